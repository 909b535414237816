import { describe, expect, it } from 'vitest';
import { uploadDocument } from '../support/documents.ts';
import { screenshotThemes } from './support/browser.ts';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

async function projectWithChat(scenario: ReturnType<typeof useWebScenario>) {
  const project = (await scenario.server.api('POST', '/api/projects', { name: uniqueName('Everyday') })).body;
  const chat = (await scenario.server.api('POST', '/api/chats', { project_id: project.id })).body;
  return { projectId: project.id as number, chatId: chat.id as number };
}

describe('the everyday chat experience', () => {
  const scenario = useWebScenario();

  it('downloads a model from Settings with live progress, then picks it for a chat (1280 px)', async () => {
    const alice = await WebUser.open(scenario.browser, scenario.server.url, '/settings');
    await alice.page.setViewportSize({ width: 1280, height: 900 });
    await alice.waitForConnection('connected');
    await alice.page.getByRole('table', { name: 'Chat models' }).waitFor();
    scenario.server.ollama.pullChunks = 30;
    scenario.server.ollama.pullDelayMs = 200;

    await alice.page.getByLabel('Any Ollama model by name').fill('tinyllama:1b');
    await alice.page.getByRole('button', { name: 'Download', exact: true }).click();
    const bar = alice.page.getByRole('progressbar', { name: /Downloading tinyllama:1b/ });
    await bar.waitFor();
    await alice.page.waitForFunction(() => {
      const node = document.querySelector('[data-model="tinyllama:1b"] [role="progressbar"]');
      const value = Number(node?.getAttribute('aria-valuenow'));
      return value > 0 && value < 100;
    });
    await bar.scrollIntoViewIfNeeded();
    await screenshotThemes(alice.page, 'settings-models-downloading');

    // Visible from every page, and a reload in the middle finds it again.
    await alice.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
    await alice.page
      .getByRole('region', { name: 'Model downloads' })
      .getByRole('progressbar', { name: /Downloading tinyllama:1b/ })
      .waitFor();
    await screenshotThemes(alice.page, 'downloads-tray');
    await alice.page.reload();
    await alice.page
      .getByRole('region', { name: 'Model downloads' })
      .getByRole('progressbar', { name: /Downloading tinyllama:1b/ })
      .waitFor();
    await alice.page.getByRole('region', { name: 'Model downloads' }).getByRole('link', { name: 'Models in Settings' }).click();
    await alice.page.getByRole('progressbar', { name: /Downloading tinyllama:1b/ }).waitFor();
    await alice.page.getByText('Downloaded: it is now offered in the model pickers').waitFor({ timeout: 30_000 });
    await alice.page.getByRole('table', { name: 'Chat models' }).getByText('tinyllama:1b').waitFor();
    await alice.page.getByRole('heading', { name: 'Models', exact: true }).scrollIntoViewIfNeeded();
    await screenshotThemes(alice.page, 'settings-models');

    const { chatId } = await projectWithChat(scenario);
    await alice.goto(`/chats/${chatId}`);
    await alice.page.getByTestId('answering-model').filter({ hasText: 'Answered by llama3.2' }).waitFor();
    await alice.page.getByLabel('Model for this chat').selectOption('tinyllama:1b');
    await alice.page.getByTestId('answering-model').filter({ hasText: 'Answered by tinyllama:1b' }).waitFor();
    scenario.server.ollama.queue({ tokens: ['Small ', 'model ', 'answer.'] });
    await alice.chat.ask('Who answers?');
    await alice.chat.waitForAnswer('complete');
    expect(scenario.server.ollama.lastChat().body.model).toBe('tinyllama:1b');
    // Saved with the chat: a reload keeps it.
    await alice.page.reload();
    await alice.page.getByTestId('answering-model').filter({ hasText: 'Answered by tinyllama:1b' }).waitFor();
    await screenshotThemes(alice.page, 'chat-model-picker');
  });

  it('regenerates an answer after Stop and moves between its versions (390 px)', async () => {
    const { chatId } = await projectWithChat(scenario);
    const bob = await WebUser.open(scenario.browser, scenario.server.url, `/chats/${chatId}`);
    await bob.page.setViewportSize({ width: 390, height: 844 });
    await bob.waitForConnection('connected');

    scenario.server.ollama.queue({ tokenCount: 400, tokenDelayMs: 30 });
    await bob.chat.ask('Tell me everything');
    await bob.chat.waitForAnswerText('t3');
    // Esc stops the answer; the tab is named after the chat.
    await bob.page.keyboard.press('Escape');
    await bob.chat.waitForAnswer('stopped');
    expect(await bob.page.title()).toBe('Tell me everything · DAA Chatbot');

    scenario.server.ollama.queue({ tokens: ['The ', 'second ', 'version.'] });
    await bob.page.getByRole('button', { name: 'Regenerate: answer again' }).click();
    await bob.chat.waitForAnswerText('The second version.');
    await bob.chat.waitForAnswer('complete');
    const versions = bob.page.getByRole('group', { name: 'Answer versions' });
    await versions.getByText('2 / 2').waitFor();
    expect(await bob.chat.answers().count()).toBe(1);
    await screenshotThemes(bob.page, 'chat-versions-phone');

    await versions.getByRole('button', { name: 'Previous version' }).click();
    await versions.getByText('1 / 2').waitFor();
    await bob.page.locator('article.message-assistant[data-status="stopped"]').waitFor();
    // The version shown is the one sent as history.
    scenario.server.ollama.queue({ tokens: ['ok'] });
    await bob.chat.ask('And next?');
    await bob.chat.waitForAnswerText('ok');
    const sent = (scenario.server.ollama.lastChat().body.messages as Array<{ content: string }>).map((message) => message.content);
    expect(sent.some((content) => content.startsWith('t1 t2 t3'))).toBe(true);
    expect(sent).not.toContain('The second version.');

    // `?` lists the shortcuts; Ctrl+Shift+O starts a new chat; Ctrl+K searches the project's chats.
    await bob.page.locator('body').click({ position: { x: 5, y: 300 } });
    await bob.page.keyboard.press('?');
    const help = bob.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.getByText('Stop the answer being written').waitFor();
    await bob.page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
    await bob.page.keyboard.press('Control+Shift+O');
    await bob.page.waitForURL((url) => /\/chats\/\d+$/.test(url.pathname) && url.pathname !== `/chats/${chatId}`);
    await bob.page.getByText('Ask your first question').waitFor();
    // On the chat page, Ctrl+K searches in its list of chats (the drawer opens on a phone).
    await bob.page.keyboard.press('Control+K');
    await bob.page.waitForFunction(() => document.activeElement?.id === 'chat-sidebar-search');
    await bob.page.getByRole('navigation', { name: 'Chats' }).getByLabel('Search chats').waitFor({ state: 'visible' });
  });

  it('edits a question into a branch, switches between branches, continues a stopped answer, rates it (1280 px)', async () => {
    const { chatId } = await projectWithChat(scenario);
    const carol = await WebUser.open(scenario.browser, scenario.server.url, `/chats/${chatId}`);
    await carol.page.setViewportSize({ width: 1280, height: 900 });
    await carol.waitForConnection('connected');
    const ollama = scenario.server.ollama;

    ollama.queue({ tokens: ['First ', 'answer.'] });
    await carol.chat.ask('First question');
    await carol.chat.waitForAnswerText('First answer.');
    await carol.chat.waitForAnswer('complete');
    ollama.queue({ tokens: ['Second ', 'answer.'] });
    await carol.chat.ask('Second question');
    await carol.chat.waitForAnswerText('Second answer.');
    await carol.chat.waitForAnswer('complete');

    // Edit the second question: it is sent again, and its answer is a new branch.
    const second = carol.page.getByRole('article', { name: 'Question' }).filter({ hasText: 'Second question' });
    await second.getByRole('button', { name: 'Edit question' }).click();
    const box = carol.page.getByLabel('Edit your question');
    await box.fill('Second question, edited');
    await screenshotThemes(carol.page, 'chat-edit-question');
    ollama.queue({ tokens: ['Edited ', 'answer.'] });
    await carol.page.getByRole('button', { name: 'Send edited question' }).click();
    await carol.chat.waitForAnswerText('Edited answer.');
    await carol.chat.waitForAnswer('complete');
    const branches = carol.page.getByRole('group', { name: 'Question versions' });
    await branches.getByText('2 / 2').waitFor();
    expect(await carol.chat.answers().count()).toBe(2);
    expect(await carol.page.getByText('Second answer.').count()).toBe(0);
    const sent = (ollama.lastChat().body.messages as Array<{ content: string }>).map((message) => message.content);
    expect(sent).toContain('First answer.');
    expect(sent).not.toContain('Second answer.');
    await screenshotThemes(carol.page, 'chat-branches');

    // Back to the first branch: its question and answer are shown again, and survive a reload.
    await branches.getByRole('button', { name: 'Previous version' }).click();
    await carol.page.getByRole('group', { name: 'Question versions' }).getByText('1 / 2').waitFor();
    await carol.page.getByText('Second answer.').waitFor();
    expect(await carol.page.getByText('Second question, edited').count()).toBe(0);
    await carol.page.reload();
    await carol.page.getByRole('group', { name: 'Question versions' }).getByText('1 / 2').waitFor();
    await carol.page.getByText('Second answer.').waitFor();

    // Stop a long answer with Esc, then Continue: the same answer grows, no new version.
    ollama.queue({ tokenCount: 400, tokenDelayMs: 30 });
    await carol.chat.ask('Tell me a long story');
    await carol.chat.waitForAnswerText('t3');
    await carol.page.keyboard.press('Escape');
    await carol.chat.waitForAnswer('stopped');
    const stoppedText = await carol.chat.lastAnswerText();
    ollama.queue({ tokens: [' The', ' end.'] });
    await carol.chat
      .lastAnswer()
      .getByRole('button', { name: /^Continue/ })
      .click();
    await carol.chat.waitForAnswerText('The end.');
    await carol.chat.waitForAnswer('complete');
    expect((await carol.chat.lastAnswerText()).startsWith(stoppedText.trim().slice(0, 20))).toBe(true);
    expect(await carol.chat.lastAnswer().getByRole('group', { name: 'Answer versions' }).count()).toBe(0);

    // Thumbs up is saved with the answer.
    await carol.chat.lastAnswer().getByRole('button', { name: 'Good answer' }).click();
    await carol.chat.lastAnswer().locator('button[aria-label="Good answer"][aria-pressed="true"]').waitFor();
    const rows = (await scenario.server.api('GET', `/api/chats/${chatId}/messages`)).body as Array<{ feedback: string | null }>;
    expect(rows.at(-1)?.feedback).toBe('up');
    await screenshotThemes(carol.page, 'chat-continued-rated');
  });

  it('a documents-only project refuses a question its documents do not cover, without calling the model', async () => {
    const { projectId, chatId } = await projectWithChat(scenario);
    const upload = await uploadDocument(scenario.server, projectId, {
      filename: 'parking.md',
      content: '# Parking\n\nEmployees park in garage B on level two. Visitors use the public car park next door.',
    });
    expect(upload.status).toBe(201);
    for (let tries = 0; ; tries += 1) {
      const document = (await scenario.server.api('GET', `/api/documents/${upload.body.document.id}`)).body;
      if (document.status === 'completed') break;
      if (tries > 150 || document.status === 'failed') throw new Error(`document not processed: ${document.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const dave = await WebUser.open(scenario.browser, scenario.server.url, `/projects/${projectId}`);
    await dave.page.setViewportSize({ width: 1280, height: 900 });
    await dave.waitForConnection('connected');
    await dave.page.getByRole('button', { name: 'Project settings' }).click();
    const dialog = dave.page.getByRole('dialog', { name: 'Project settings' });
    await dialog.getByLabel('System prompt').fill('You answer for the Acme parking desk.');
    await dialog.getByRole('radio', { name: /^Documents only/ }).check();
    await dialog.getByLabel('Refusal', { exact: true }).fill('Not in the parking handbook.');
    await dialog.getByRole('heading', { name: 'Project settings' }).waitFor();
    await dialog.getByLabel('Refusal', { exact: true }).scrollIntoViewIfNeeded();
    await screenshotThemes(dave.page, 'project-settings-prompt');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });

    await dave.goto(`/chats/${chatId}`);
    await dave.waitForConnection('connected');
    const calls = scenario.server.ollama.chatRequests().length;
    await dave.chat.ask('What is the weather on Mars tomorrow?');
    await dave.chat.waitForAnswerText('Not in the parking handbook.');
    await dave.chat.waitForAnswer('complete');
    expect(scenario.server.ollama.chatRequests().length).toBe(calls);
    // A covered question reaches the model, with the project's prompt first.
    scenario.server.ollama.queue({ tokens: ['Garage ', 'B [1]'] });
    await dave.chat.ask('Where do employees park?');
    await dave.chat.waitForAnswerText('Garage B');
    expect(scenario.server.ollama.chatRequests().length).toBe(calls + 1);
    expect(scenario.server.ollama.lastChat().body.messages[0].content.startsWith('You answer for the Acme parking desk.')).toBe(true);
    await screenshotThemes(dave.page, 'chat-documents-only-refusal');
  });
});
