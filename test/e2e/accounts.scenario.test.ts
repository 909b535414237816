import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.ts';
import { type Browser, launchBrowser, screenshotThemes } from './support/browser.ts';
import { startWebServer, uniqueName } from './support/web-server.ts';

const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

/** Signs in on the sign-in page that an accounts server shows before anything else. */
async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(baseUrl);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor({ timeout: 20_000 });
}

/**
 * Accounts in a real browser: an administrator adds a user and makes them a viewer of a project; the
 * viewer signs in (their own browser profile, so their own session cookie) and gets a read-only project.
 */
describe('accounts: users, members and a viewer', () => {
  let server: TestServer;
  let adminBrowser: Browser & { consoleErrors: string[] };
  let viewerBrowser: Browser & { consoleErrors: string[] };

  beforeAll(async () => {
    server = await startWebServer({ AUTH_MODE: 'accounts', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    adminBrowser = await launchBrowser();
    viewerBrowser = await launchBrowser();
  });
  afterAll(async () => {
    await viewerBrowser?.close();
    await adminBrowser?.close();
    await server?.close();
  });

  it('admin creates a user and adds them as a viewer; the viewer signs in and sees no Upload', async () => {
    // The project the admin shares, with a document in it (set up over the API as the admin).
    const token = (await server.api('POST', '/api/auth/login', ADMIN)).body.access_token as string;
    const auth = { authorization: `Bearer ${token}` };
    const projectName = uniqueName('Field notes');
    const project = (await server.api('POST', '/api/projects', { name: projectName }, auth)).body as { id: number };
    const form = new FormData();
    form.append('file', new Blob(['Owls hunt at night; the barn owl hears mice under snow.']), 'owls.txt');
    expect((await fetch(`${server.url}/api/projects/${project.id}/documents`, { method: 'POST', headers: auth, body: form })).status).toBe(
      201,
    );

    // 1. The admin signs in and adds Vera on the Users page.
    const admin = await adminBrowser.newPage();
    await signIn(admin, server.url, ADMIN.email, ADMIN.password);
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await admin.getByLabel('Email').fill('vera@example.test');
    await admin.getByLabel('Name (optional)').fill('Vera Viewer');
    await admin.getByLabel('Password', { exact: true }).fill('vera-password-1');
    await admin.getByRole('button', { name: 'Add user' }).click();
    await admin.getByRole('table', { name: 'Users' }).getByText('vera@example.test').waitFor();
    await screenshotThemes(admin, 'accounts-users');

    // 2. On the project, Members: Vera as a viewer.
    await admin.goto(new URL(`/projects/${project.id}`, server.url).toString());
    await admin.getByRole('heading', { name: projectName }).waitFor();
    await admin.getByRole('button', { name: 'Members' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel('Email').fill('vera@example.test');
    await dialog.getByLabel('Role', { exact: true }).selectOption('viewer');
    await dialog.getByRole('button', { name: 'Add member' }).click();
    await dialog.getByLabel('Role of vera@example.test').waitFor();
    expect(await dialog.getByLabel('Role of vera@example.test').inputValue()).toBe('viewer');
    await screenshotThemes(admin, 'accounts-members');
    const members = (await server.api('GET', `/api/projects/${project.id}/members`, undefined, auth)).body as Array<{
      email: string;
      role: string;
    }>;
    expect(members.find((member) => member.email === 'vera@example.test')?.role).toBe('viewer');

    // 3. Vera signs in in her own browser: she sees the project, its document, and nothing to change it with.
    const vera = await viewerBrowser.newPage();
    await signIn(vera, server.url, 'vera@example.test', 'vera-password-1');
    expect(await vera.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).toBe(0);
    await vera.getByRole('link', { name: projectName }).click();
    await vera.getByRole('heading', { name: projectName }).waitFor();
    await vera.getByRole('link', { name: 'Download owls.txt' }).waitFor({ timeout: 20_000 });
    await vera.getByText(/You are a viewer here/).waitFor();
    expect(await vera.getByTestId('dropzone').count()).toBe(0);
    expect(await vera.getByRole('button', { name: 'choose files' }).count()).toBe(0);
    for (const name of ['Delete owls.txt', 'Project settings', 'Members', 'Edit', 'Delete']) {
      expect(await vera.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }
    await screenshotThemes(vera, 'accounts-viewer-project');

    // The admin's own view of the same project still has everything.
    expect(await admin.getByTestId('dropzone').count()).toBe(1);
    expect(adminBrowser.consoleErrors.filter((line) => !/Failed to load resource/.test(line))).toEqual([]);
    expect(viewerBrowser.consoleErrors.filter((line) => !/Failed to load resource/.test(line))).toEqual([]);
  });
});
