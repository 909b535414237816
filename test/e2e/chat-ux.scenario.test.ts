import { describe, expect, it } from 'vitest';
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
});
