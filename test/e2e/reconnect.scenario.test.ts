import { describe, expect, it } from 'vitest';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

const TOKENS = 300;
const expectedWords = Array.from({ length: TOKENS }, (_, index) => `t${index + 1}`);

describe('losing the connection in the middle of an answer', () => {
  const scenario = useWebScenario();

  it('shows reconnecting, comes back, and the answer completes with every token exactly once', async () => {
    const { body: project } = await scenario.server.api('POST', '/api/projects', { name: uniqueName('Reconnect') });
    const { body: chat } = await scenario.server.api('POST', '/api/chats', { project_id: project.id });
    const carol = await WebUser.open(scenario.browser, scenario.server.url, `/chats/${chat.id}`);
    await carol.waitForConnection('connected');
    await carol.recordConnectionStatuses();

    scenario.server.ollama.queue({ tokenCount: TOKENS, tokenDelayMs: 20 });
    await carol.chat.ask('Tell me everything');
    await carol.chat.waitForAnswerText('t20 ');

    // 1. The network drops (the server closes the connection): the Manager retries by itself.
    scenario.server.gateway.io.disconnectSockets(true);
    await carol.waitForConnection('reconnecting');
    // Offline: the question box keeps text but cannot send it, and the banner explains.
    await carol.page.getByRole('alert').filter({ hasText: 'Connection to the server lost' }).waitFor();
    await carol.waitForConnection('connected');

    // 2. The server kicks the socket (`io server disconnect`): the app reconnects by itself too.
    await carol.chat.waitForAnswerText('t150 ');
    scenario.server.gateway.io.disconnectSockets(false);
    await carol.waitForConnection('reconnecting');
    await carol.waitForConnection('connected');

    await carol.chat.waitForAnswer('complete', 30_000);
    const shown = (await carol.chat.lastAnswerText()).trim().split(/\s+/);
    expect(shown).toEqual(expectedWords);
    expect(await carol.chat.answers().count()).toBe(1);
    expect(await carol.page.getByRole('alert').filter({ hasText: 'Connection to the server lost' }).count()).toBe(0);

    const history = await carol.statusHistory();
    expect(history).toEqual(['connected', 'reconnecting', 'connected', 'reconnecting', 'connected']);

    // The saved answer is the same, and the room was rejoined (the server knows the project).
    const saved = await scenario.server.api('GET', `/api/chats/${chat.id}`);
    expect(saved.body.messages.at(-1).status).toBe('complete');
    expect(saved.body.messages.at(-1).content.trim().split(/\s+/)).toEqual(expectedWords);
    expect(scenario.server.gateway.connections.snapshot().map((connection) => connection.project_id)).toEqual([project.id]);
  });

  it('picks up an answer still being written after a page reload', async () => {
    const { body: project } = await scenario.server.api('POST', '/api/projects', { name: uniqueName('Reload') });
    const { body: chat } = await scenario.server.api('POST', '/api/chats', { project_id: project.id });
    const dave = await WebUser.open(scenario.browser, scenario.server.url, `/chats/${chat.id}`);
    await dave.waitForConnection('connected');

    scenario.server.ollama.queue({ tokenCount: 200, tokenDelayMs: 20 });
    await dave.chat.ask('A long one please');
    await dave.chat.waitForAnswerText('t30 ');
    await dave.page.reload();
    await dave.waitForConnection('connected');
    await dave.chat.waitForAnswer('complete', 30_000);
    expect((await dave.chat.lastAnswerText()).trim().split(/\s+/)).toEqual(expectedWords.slice(0, 200));
    expect(await dave.chat.answers().count()).toBe(1);
  });

  it('resumes a regenerated answer and a continued one after the connection drops, every token once', async () => {
    const { body: project } = await scenario.server.api('POST', '/api/projects', { name: uniqueName('Regenerate drop') });
    const { body: chat } = await scenario.server.api('POST', '/api/chats', { project_id: project.id });
    const erin = await WebUser.open(scenario.browser, scenario.server.url, `/chats/${chat.id}`);
    await erin.waitForConnection('connected');
    scenario.server.ollama.queue({ tokens: ['First.'] });
    await erin.chat.ask('Question');
    await erin.chat.waitForAnswer('complete');

    scenario.server.ollama.queue({ tokenCount: 120, tokenDelayMs: 20 });
    await erin.page.getByRole('button', { name: 'Regenerate: answer again' }).click();
    await erin.chat.waitForAnswerText('t20 ');
    scenario.server.gateway.io.disconnectSockets(true);
    await erin.waitForConnection('reconnecting');
    await erin.waitForConnection('connected');
    await erin.chat.waitForAnswer('complete', 30_000);
    expect((await erin.chat.lastAnswerText()).trim().split(/\s+/)).toEqual(expectedWords.slice(0, 120));
    await erin.page.getByRole('group', { name: 'Answer versions' }).getByText('2 / 2').waitFor();

    // Stopped, then continued; the connection drops while it grows.
    scenario.server.ollama.queue({ tokenCount: 300, tokenDelayMs: 20 });
    await erin.page.getByRole('button', { name: 'Regenerate: answer again' }).click();
    await erin.chat.waitForAnswerText('t5 ');
    await erin.page.keyboard.press('Escape');
    await erin.chat.waitForAnswer('stopped');
    const before = (await erin.chat.lastAnswerText()).trim();
    scenario.server.ollama.queue({ tokens: Array.from({ length: 100 }, (_, index) => ` c${index + 1}`), tokenDelayMs: 20 });
    await erin.chat
      .lastAnswer()
      .getByRole('button', { name: /^Continue/ })
      .click();
    await erin.chat.waitForAnswerText('c10');
    scenario.server.gateway.io.disconnectSockets(true);
    await erin.waitForConnection('reconnecting');
    await erin.waitForConnection('connected');
    await erin.chat.waitForAnswer('complete', 30_000);
    const continued = Array.from({ length: 100 }, (_, index) => `c${index + 1}`);
    expect((await erin.chat.lastAnswerText()).trim().split(/\s+/)).toEqual([...before.split(/\s+/), ...continued]);
    const saved = (await scenario.server.api('GET', `/api/chats/${chat.id}`)).body.messages.at(-1);
    expect(saved.content.trim().split(/\s+/)).toEqual([...before.split(/\s+/), ...continued]);
    expect(await erin.chat.answers().count()).toBe(1);
  });
});
