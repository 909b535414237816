import { describe, expect, it } from 'vitest';
import { screenshotThemes } from './support/browser.ts';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

describe('two tabs on the same project', () => {
  const scenario = useWebScenario();

  it("each tab sees the other's chats appear, get renamed, found by search and deleted, without reloading", async () => {
    const { body: project } = await scenario.server.api('POST', '/api/projects', { name: uniqueName('Shared') });
    const alice = await WebUser.open(scenario.browser, scenario.server.url, `/projects/${project.id}`);
    const bob = await WebUser.open(scenario.browser, scenario.server.url, `/projects/${project.id}`);
    await alice.waitForConnection('connected');
    await bob.waitForConnection('connected');
    await bob.page.getByText('No chats yet').waitFor();

    // 1. Alice asks a question in a new chat; Bob's list shows the chat, titled by the question.
    const question = `Where is the fire exit ${Date.now().toString(36)}?`;
    await alice.project.startChat(question);
    await alice.chat.waitForAnswer('complete');
    await bob.project.waitForChat(question);
    await bob.page.waitForFunction(
      (title) =>
        [...document.querySelectorAll('.chat-item')].some(
          (item) => item.textContent?.includes(title) && item.textContent.includes('2 messages'),
        ),
      question,
    );

    // 2. Bob finds it by a word that is only in the answer (search covers messages, not just titles).
    await bob.page.getByLabel('Search chats').fill('sky is blue');
    await bob.page.locator('ul[aria-label="Matching chats"]').getByText(question).waitFor();
    await bob.page.getByLabel('Search chats').fill('no such words anywhere');
    await bob.page.getByText('Nothing matches “no such words anywhere”').waitFor();
    await bob.page.getByLabel('Search chats').fill('');

    // 3. Bob renames it; Alice, back on the project page, sees the new title.
    await alice.goto(`/projects/${project.id}`);
    await alice.project.waitForChat(question);
    const renamed = uniqueName('Fire safety');
    await bob.project.renameChat(question, renamed);
    await alice.project.waitForChat(renamed);
    await screenshotThemes(alice.page, 'project-with-chat');

    // 4. Alice deletes it; it disappears from Bob's list.
    await alice.project.deleteChat(renamed);
    await bob.project.waitForChat(renamed, 'detached');
    await bob.page.getByText('No chats yet').waitFor();
    expect((await scenario.server.api('GET', `/api/projects/${project.id}/chats`)).body).toEqual([]);
  });

  it('a project created, renamed or deleted elsewhere appears, changes and disappears in the project list', async () => {
    const dana = await WebUser.open(scenario.browser, scenario.server.url, '/');
    await dana.waitForConnection('connected');
    const name = uniqueName('Elsewhere');
    // Changes come from another client (the API), so only the live event can update Dana's list.
    const { body: project } = await scenario.server.api('POST', '/api/projects', { name });
    await dana.projects.card(name).waitFor();
    await scenario.server.api('PUT', `/api/projects/${project.id}`, { name: `${name} renamed` });
    await dana.projects.card(`${name} renamed`).waitFor();
    await scenario.server.api('DELETE', `/api/projects/${project.id}`);
    await dana.projects.card(`${name} renamed`).waitFor({ state: 'detached' });
  });
});
