import { describe, expect, it } from 'vitest';
import { uploadDocument } from '../support/documents.ts';
import { screenshotThemes } from './support/browser.ts';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

type Scenario = ReturnType<typeof useWebScenario>;

async function newProject(scenario: Scenario, name = uniqueName('Workspace')): Promise<number> {
  return (await scenario.server.api('POST', '/api/projects', { name })).body.id as number;
}

async function newChat(scenario: Scenario, projectId: number, title: string): Promise<number> {
  return (await scenario.server.api('POST', '/api/chats', { project_id: projectId, title })).body.id as number;
}

/** Uploads a text document and waits until it is indexed (its passages can be cited). */
async function indexedDocument(scenario: Scenario, projectId: number, filename: string, content: string): Promise<number> {
  const upload = await uploadDocument(scenario.server, projectId, { filename, content, type: 'text/plain' });
  const id = upload.body.document.id as number;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = (await scenario.server.api('GET', `/api/documents/${id}`)).body.status;
    if (status === 'completed') return id;
    if (status === 'failed' || Date.now() > deadline) throw new Error(`document ${filename}: ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the chat workspace', () => {
  const scenario = useWebScenario();

  it('lists the project chats beside the chat: current marked, new, search with snippet, rename, delete (1280 px)', async () => {
    const projectId = await newProject(scenario);
    const older = await newChat(scenario, projectId, 'Parking rules');
    await scenario.server.api('POST', `/api/chats/${older}/messages`, { message: 'Where do visitors park on weekends?' });
    const current = await newChat(scenario, projectId, 'Holiday planning');

    const dana = await WebUser.open(scenario.browser, scenario.server.url, `/chats/${current}`);
    await dana.page.setViewportSize({ width: 1280, height: 860 });
    await dana.waitForConnection('connected');
    const sidebar = dana.page.getByRole('navigation', { name: 'Chats' });

    // 1. Newest first, the open chat marked; the tab is named after it.
    await sidebar.getByRole('link', { name: 'Holiday planning' }).waitFor();
    expect(await sidebar.locator('.sidebar-chat-title').allTextContents()).toEqual(['Holiday planning', 'Parking rules']);
    expect(await sidebar.getByRole('link', { name: 'Holiday planning' }).getAttribute('aria-current')).toBe('page');
    expect(await sidebar.getByRole('link', { name: 'Parking rules' }).getAttribute('aria-current')).toBeNull();
    await dana.page.waitForFunction(() => document.title.startsWith('Holiday planning'));
    await screenshotThemes(dana.page, 'chat-sidebar');

    // 2. Search finds the message text and shows it, the match marked.
    await sidebar.getByLabel('Search chats').fill('weekends');
    const hit = sidebar.locator('.sidebar-chat', { hasText: 'Parking rules' });
    await hit.locator('.sidebar-chat-snippet mark', { hasText: 'weekends' }).waitFor();
    expect(await hit.locator('.sidebar-chat-snippet').textContent()).toContain('Where do visitors park on weekends?');
    expect(await sidebar.locator('.sidebar-chat').count()).toBe(1);
    await screenshotThemes(dana.page, 'chat-sidebar-search');

    // 3. Picking it opens it (title follows); rename it from the list.
    await hit.getByRole('link').click();
    await dana.page.waitForFunction(() => document.title.startsWith('Parking rules'));
    await sidebar.getByLabel('Search chats').fill('');
    await sidebar.getByRole('button', { name: 'Rename Parking rules' }).click();
    const rename = dana.page.getByRole('dialog', { name: 'Rename chat' });
    await rename.getByLabel('Title').fill('Visitor parking');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await sidebar.getByRole('link', { name: 'Visitor parking' }).waitFor();
    await dana.page.waitForFunction(() => document.title.startsWith('Visitor parking'));

    // 4. Deleting the open chat goes back to the project; a new chat from the list opens it.
    await sidebar.getByRole('button', { name: 'Delete Visitor parking' }).click();
    await dana.page.getByRole('dialog').getByRole('button', { name: 'Delete chat' }).click();
    await dana.page.waitForURL(new RegExp(`/projects/${projectId}$`));
    await dana.goto(`/chats/${current}`);
    await dana.page.getByRole('navigation', { name: 'Chats' }).getByRole('button', { name: 'New chat' }).click();
    await dana.page.waitForURL((url) => /\/chats\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${current}`));
    const fresh = dana.page.getByRole('navigation', { name: 'Chats' }).locator('[aria-current="page"]');
    await fresh.waitFor();
    expect(await dana.page.getByRole('navigation', { name: 'Chats' }).locator('.sidebar-chat').count()).toBe(2);

    // 5. Ctrl+K searches in the list.
    await dana.page.locator('.message-list').click();
    await dana.page.keyboard.press('Control+k');
    expect(await dana.page.evaluate(() => document.activeElement?.id)).toBe('chat-sidebar-search');
  });

  it('renders a highlighted code block and a formula in an answer', async () => {
    const projectId = await newProject(scenario);
    const chatId = await newChat(scenario, projectId, 'Code and math');
    const errorsBefore = scenario.browser.consoleErrors.length;
    const erin = await WebUser.open(scenario.browser, scenario.server.url, `/chats/${chatId}`);
    await erin.page.setViewportSize({ width: 1280, height: 860 });
    await erin.waitForConnection('connected');
    scenario.server.ollama.queue({
      tokens: [
        'Use this:\n\n```python\n',
        'def area(r):\n    return 3.14 * r ** 2\n',
        '```\n\n',
        'The formula is $$A = \\pi r^2$$ and ',
        '\\[\\int_0^1 x\\,dx = \\frac{1}{2}\\]',
      ],
    });
    await erin.chat.ask('How do I compute the area of a circle?');
    await erin.chat.waitForAnswer('complete');
    const answer = erin.chat.lastAnswer();
    await answer.locator('.code-block .hljs-keyword', { hasText: 'def' }).waitFor();
    expect(await answer.locator('.code-language').textContent()).toBe('python');
    expect(await answer.locator('.code-block pre').textContent()).toBe('def area(r):\n    return 3.14 * r ** 2\n');
    await answer.locator('.katex-display').waitFor();
    expect(await answer.locator('.katex').count()).toBe(2);
    expect(await answer.locator('.katex-mathml annotation').first().textContent()).toBe('A = \\pi r^2');
    // KaTeX's fonts come from the app itself (no CDN).
    const fonts = await erin.page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((name) => name.includes('KaTeX')),
    );
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.every((name) => name.startsWith(new URL(scenario.server.url).origin))).toBe(true);
    expect(scenario.browser.consoleErrors.slice(errorsBefore)).toEqual([]);
    await screenshotThemes(erin.page, 'answer-code-and-math');
  });

  it('on a phone: chats before documents, whole titles, a chat drawer, sources in a sheet, the composer never over the last message (390 px)', async () => {
    const projectId = await newProject(scenario);
    await indexedDocument(scenario, projectId, 'parking.txt', 'Visitors park in garage B on weekends. Staff park in garage A every day.');
    const longTitle = 'Where do visitors park on weekends and holidays?';
    const chatId = await newChat(scenario, projectId, longTitle);

    const finn = await WebUser.open(scenario.browser, scenario.server.url, `/projects/${projectId}`);
    await finn.page.setViewportSize({ width: 390, height: 844 });
    await finn.waitForConnection('connected');

    // 1. The chats come before the documents, and a chat's title is not cut to a few letters.
    const chats = finn.page.getByRole('heading', { name: 'Chats', exact: true });
    const documents = finn.page.getByRole('heading', { name: 'Documents', exact: true });
    await finn.project.waitForChat(longTitle);
    expect((await chats.boundingBox())!.y).toBeLessThan((await documents.boundingBox())!.y);
    const title = finn.project.chatItem(longTitle).locator('.chat-item-title');
    const shown = await title.evaluate((node) => ({
      width: node.getBoundingClientRect().width,
      full: node.scrollWidth <= node.clientWidth + 1,
    }));
    expect(shown.width).toBeGreaterThan(250);
    await screenshotThemes(finn.page, 'phone-project');

    // 2. In the chat, the list of chats is a drawer.
    await finn.goto(`/chats/${chatId}`);
    await finn.waitForConnection('connected');
    const sidebar = finn.page.getByRole('navigation', { name: 'Chats' });
    expect(await sidebar.isVisible()).toBe(false);
    await finn.page.getByRole('button', { name: 'Chats', exact: true }).click();
    await sidebar.getByRole('link', { name: longTitle }).waitFor();
    await screenshotThemes(finn.page, 'phone-chat-drawer');
    await finn.page.keyboard.press('Escape');
    await sidebar.waitFor({ state: 'hidden' });

    // 3. "N sources" opens the sources as a sheet on screen.
    scenario.server.ollama.queue({ tokens: ['Visitors ', 'park ', 'in ', 'garage ', 'B [1].'] });
    await finn.chat.ask('Where do visitors park?');
    await finn.chat.waitForAnswer('complete');
    await finn.chat
      .lastAnswer()
      .getByRole('button', { name: /^\d+ sources?$/ })
      .click();
    const sheet = finn.page.getByRole('dialog', { name: /^Sources/ });
    await sheet.getByRole('button', { name: /Source 1: parking\.txt/ }).waitFor();
    const box = (await sheet.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(844 + 1);
    expect(box.y).toBeGreaterThan(0);
    await screenshotThemes(finn.page, 'phone-sources-sheet');
    await sheet.getByRole('button', { name: /Source 1: parking\.txt/ }).click();
    await finn.page.getByRole('dialog', { name: /Source 1: parking\.txt/ }).waitFor();
    await finn.page.keyboard.press('Escape');

    // 4. More answers than fit, then the connection drops (banner): the composer stays under the list.
    for (let turn = 0; turn < 3; turn += 1) {
      scenario.server.ollama.queue({ tokens: [`Answer ${turn}: `, 'garage B. '.repeat(20)] });
      await finn.chat.ask(`Question ${turn}`);
      await finn.chat.waitForAnswerText(`Answer ${turn}:`);
      await finn.chat.waitForAnswer('complete');
    }
    await finn.page.context().setOffline(true);
    scenario.server.gateway.io.disconnectSockets(true);
    await finn.page.getByRole('alert').filter({ hasText: 'Connection to the server lost' }).waitFor();
    const layout = await finn.page.evaluate(() => {
      const list = document.querySelector('.message-list')!;
      list.scrollTop = list.scrollHeight;
      const composer = document.querySelector('.composer')!.getBoundingClientRect();
      const last = [...document.querySelectorAll('article.message')].at(-1)!.getBoundingClientRect();
      return {
        listBottom: list.getBoundingClientRect().bottom,
        composerTop: composer.top,
        composerBottom: composer.bottom,
        lastBottom: last.bottom,
      };
    });
    expect(layout.listBottom).toBeLessThanOrEqual(layout.composerTop + 1);
    expect(layout.lastBottom).toBeLessThanOrEqual(layout.composerTop + 1);
    expect(layout.composerBottom).toBeLessThanOrEqual(844 + 1);
    await screenshotThemes(finn.page, 'phone-chat-offline');
    await finn.page.context().setOffline(false);
  });
});

describe('document views', () => {
  const scenario = useWebScenario();

  it('previews a DOCX with its headings and table, and a CSV as a table; searches, sorts and deletes in bulk', async () => {
    const { makeDocx } = await import('../support/document-fixtures.ts');
    const projectId = await newProject(scenario);
    const docx = await makeDocx([
      { heading: 'Parking policy', paragraphs: ['Visitors park in garage B.'] },
      {
        table: [
          ['Garage', 'Who'],
          ['A', 'Staff'],
          ['B', 'Visitors'],
        ],
      },
    ]);
    const upload = await uploadDocument(scenario.server, projectId, {
      filename: 'policy.docx',
      content: docx,
      type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    expect(upload.status).toBe(201);
    await indexedDocument(scenario, projectId, 'prices.csv', 'item,price\ncoffee,2.50\n"tea, green",1.80\n');
    await indexedDocument(scenario, projectId, 'notes.txt', 'Plain notes.');

    const gina = await WebUser.open(scenario.browser, scenario.server.url, `/projects/${projectId}`);
    await gina.page.setViewportSize({ width: 1280, height: 900 });
    await gina.project.waitForDocumentStatus('policy.docx', 'completed');

    // 1. DOCX: a heading and a table, rendered as such (not as HTML from the file).
    await gina.page.getByRole('button', { name: 'Preview policy.docx' }).click();
    const viewer = gina.page.getByRole('dialog', { name: 'policy.docx' });
    await viewer.getByRole('heading', { name: 'Parking policy' }).waitFor();
    const table = viewer.getByRole('table', { name: 'Table' });
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Garage', 'Who']);
    expect(await table.locator('tbody tr').nth(1).locator('td').allTextContents()).toEqual(['B', 'Visitors']);
    await screenshotThemes(gina.page, 'document-preview-docx');
    await gina.page.keyboard.press('Escape');

    // 2. CSV: a table, quoted commas kept in their cell.
    await gina.page.getByRole('button', { name: 'Preview prices.csv' }).click();
    const csv = gina.page.getByRole('dialog', { name: 'prices.csv' });
    await csv.getByRole('columnheader', { name: 'price' }).waitFor();
    expect(await csv.locator('tbody tr').nth(1).locator('td').allTextContents()).toEqual(['tea, green', '1.80']);
    await screenshotThemes(gina.page, 'document-preview-csv');
    await gina.page.keyboard.press('Escape');

    // 3. Search and sort the list.
    const names = () => gina.page.getByRole('list', { name: 'Documents' }).locator('.document-name').allTextContents();
    await gina.page.getByLabel('Sort documents').selectOption('name');
    expect(await names()).toEqual(['notes.txt', 'policy.docx', 'prices.csv']);
    await gina.page.getByLabel('Search documents').fill('p');
    expect(await names()).toEqual(['policy.docx', 'prices.csv']);
    await gina.page.getByLabel('Search documents').fill('');

    // 4. Select two and delete them at once.
    await gina.page.getByLabel('Select notes.txt').check();
    await gina.page.getByLabel('Select prices.csv').check();
    await screenshotThemes(gina.page, 'documents-bulk-select');
    await gina.page.getByRole('button', { name: 'Delete 2 documents' }).click();
    await gina.page.getByRole('dialog').getByRole('button', { name: 'Delete 2 documents' }).click();
    await gina.page.waitForFunction(() => document.querySelectorAll('.document-item').length === 1);
    expect(await names()).toEqual(['policy.docx']);
    const left = (await scenario.server.api('GET', `/api/projects/${projectId}/documents`)).body;
    expect(left.map((document: { filename: string }) => document.filename)).toEqual(['policy.docx']);
  });
});
