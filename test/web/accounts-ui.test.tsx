// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MembersDialog } from '../../src/web/components/members-dialog.tsx';
import { ToastProvider } from '../../src/web/components/toasts.tsx';
import { ConnectionProvider } from '../../src/web/lib/connection-context.tsx';
import { RouterProvider } from '../../src/web/lib/router.tsx';
import { ConnectionManager } from '../../src/web/lib/socket.ts';
import { ProjectPage } from '../../src/web/pages/project-page.tsx';
import { SettingsPage } from '../../src/web/pages/settings-page.tsx';
import { UsersPage } from '../../src/web/pages/users-page.tsx';
import { addUser, ADMIN, login, type SignedInUser, startAccountsServer } from '../integration/accounts/accounts-support.ts';
import type { TestServer } from '../support/test-server.ts';

/**
 * The accounts UI against a real server with accounts on: each page's fetches go to it as one signed-in
 * user (bearer token), so what is shown follows the role the API reports (`my_role`, `/api/auth/me`).
 */
describe('accounts UI', () => {
  let server: TestServer;
  let admin: SignedInUser;
  let alice: SignedInUser;
  let carol: SignedInUser;
  let dave: SignedInUser;
  let projectId: number;
  let manager: ConnectionManager | undefined;
  const original = globalThis.fetch;

  beforeAll(async () => {
    server = await startAccountsServer({ CORS_ORIGINS: window.location.origin });
    admin = await login(server, ADMIN.email, ADMIN.password);
    alice = await addUser(server, admin, 'alice@example.test');
    carol = await addUser(server, admin, 'carol@example.test');
    dave = await addUser(server, admin, 'dave@example.test');
    const project = await server.api('POST', '/api/projects', { name: 'Field notes' }, alice.headers);
    projectId = project.body.id;
    // A multipart body by hand: jsdom's FormData and Blob do not go through Node's fetch.
    const boundary = `daa-${Math.random().toString(36).slice(2)}`;
    const upload = await original(`${server.url}/api/projects/${projectId}/documents`, {
      method: 'POST',
      headers: { ...alice.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="owls.txt"\r\nContent-Type: text/plain\r\n\r\nOwls hunt at night.\r\n--${boundary}--\r\n`,
    });
    expect(upload.status).toBe(201);
    await server.api('PUT', `/api/projects/${projectId}/members/${carol.id}`, { role: 'viewer' }, alice.headers);
    await server.api('PUT', `/api/projects/${projectId}/members/${dave.id}`, { role: 'editor' }, alice.headers);
  }, 60_000);
  afterEach(() => {
    cleanup();
    manager?.close();
    manager = undefined;
    globalThis.fetch = original;
  });
  afterAll(async () => server?.close());

  function renderAs(user: SignedInUser, children: ReactNode) {
    globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) =>
      original(new URL(String(input), server.url), {
        ...init,
        headers: { ...(init?.headers as Record<string, string> | undefined), authorization: `Bearer ${user.token}` },
      })) as typeof fetch;
    manager = new ConnectionManager({ url: server.url, token: user.token, socketOptions: { forceNew: true, transports: ['websocket'] } });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    return render(
      <QueryClientProvider client={client}>
        <ConnectionProvider manager={manager}>
          <ToastProvider>
            <RouterProvider>{children}</RouterProvider>
          </ToastProvider>
        </ConnectionProvider>
      </QueryClientProvider>,
    );
  }

  const button = (name: string | RegExp) => screen.queryByRole('button', { name });

  it('shows a viewer no upload, no document delete or reprocess, no project settings, rename, delete or members', async () => {
    renderAs(carol, <ProjectPage projectId={projectId} />);
    await screen.findByRole('heading', { name: 'Field notes' });
    await screen.findByRole('link', { name: 'Download owls.txt' }, { timeout: 10_000 });
    expect(screen.queryByTestId('dropzone')).toBeNull();
    expect(button('choose files')).toBeNull();
    expect(button('Delete owls.txt')).toBeNull();
    expect(button('Process owls.txt again')).toBeNull();
    for (const name of [/Project settings/, /^Edit$/, /Members/, /^Delete$/]) expect(button(name), String(name)).toBeNull();
    expect(await screen.findByText(/You are a viewer here/)).toBeTruthy();
  });

  it('shows an editor upload, document actions and project settings, but not rename, delete or members', async () => {
    renderAs(dave, <ProjectPage projectId={projectId} />);
    await screen.findByRole('heading', { name: 'Field notes' });
    await screen.findByRole('button', { name: 'Delete owls.txt' }, { timeout: 10_000 });
    expect(screen.getByTestId('dropzone')).toBeTruthy();
    expect(button(/Project settings/)).not.toBeNull();
    for (const name of [/^Edit$/, /Members/, /^Delete$/]) expect(button(name), String(name)).toBeNull();
  });

  it('tells a member removed while looking at the project that it is gone', async () => {
    const gina = await addUser(server, admin, 'gina@example.test');
    await server.api('PUT', `/api/projects/${projectId}/members/${gina.id}`, { role: 'viewer' }, alice.headers);
    renderAs(gina, <ProjectPage projectId={projectId} />);
    await screen.findByRole('heading', { name: 'Field notes' });
    // In the project room before the removal, so the server has someone to tell.
    await waitFor(
      () =>
        expect(server.gateway.connections.snapshot().some((socket) => socket.user_id === gina.id && socket.project_id === projectId)).toBe(
          true,
        ),
      { timeout: 10_000 },
    );
    // Past the page's fetch (which signs every request in as Gina): as Alice, the owner.
    const removed = await original(`${server.url}/api/projects/${projectId}/members/${gina.id}`, {
      method: 'DELETE',
      headers: alice.headers,
    });
    expect(removed.status).toBe(204);
    await screen.findByText('This project does not exist (any more).', undefined, { timeout: 10_000 });
    expect(screen.queryByRole('heading', { name: 'Field notes' })).toBeNull();
  });

  it('lets the owner manage members: add by email with a role, change the role, remove', async () => {
    await addUser(server, admin, 'erin@example.test');
    renderAs(alice, <ProjectPage projectId={projectId} />);
    await screen.findByRole('heading', { name: 'Field notes' });
    expect(button(/^Edit$/)).not.toBeNull();
    fireEvent.click(await screen.findByRole('button', { name: /Members/ }));
    const dialog = await screen.findByRole('dialog');
    const table = await within(dialog).findByRole('table', { name: 'Members' });
    expect((within(table).getByLabelText('Role of carol@example.test') as HTMLSelectElement).value).toBe('viewer');

    fireEvent.change(within(dialog).getByLabelText('Email'), { target: { value: 'erin@example.test' } });
    fireEvent.change(within(dialog).getByLabelText('Role'), { target: { value: 'editor' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Add member' }));
    const erinRole = (await within(dialog).findByLabelText('Role of erin@example.test')) as HTMLSelectElement;
    expect(erinRole.value).toBe('editor');
    const roleOnServer = async (email: string) =>
      (
        (await server.api('GET', `/api/projects/${projectId}/members`, undefined, alice.headers)).body as Array<{
          email: string;
          role: string;
        }>
      ).find((member) => member.email === email)?.role;
    expect(await roleOnServer('erin@example.test')).toBe('editor');

    fireEvent.change(erinRole, { target: { value: 'viewer' } });
    await waitFor(async () => expect(await roleOnServer('erin@example.test')).toBe('viewer'));

    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove erin@example.test' }));
    await waitFor(() => expect(within(dialog).queryByLabelText('Role of erin@example.test')).toBeNull());
    expect(await roleOnServer('erin@example.test')).toBeUndefined();

    // The last owner cannot be demoted: the server's sentence is shown.
    fireEvent.change(within(dialog).getByLabelText('Role of alice@example.test'), { target: { value: 'viewer' } });
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(/at least one owner/);
  });

  it('lets an admin add a user, disable and enable them, and delete them', async () => {
    renderAs(admin, <UsersPage />);
    const table = await screen.findByRole('table', { name: 'Users' }, { timeout: 10_000 });
    expect(within(table).getByText('alice@example.test')).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Email'), { target: { value: 'frank@example.test' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'frank-password-1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add user' }));
    await within(table).findByText('frank@example.test');
    expect((await login(server, 'frank@example.test', 'frank-password-1')).id).toBeGreaterThan(0);

    const row = () => within(table).getByText('frank@example.test').closest('tr') as HTMLElement;
    fireEvent.click(within(row()).getByRole('button', { name: 'Disable' }));
    await waitFor(() => expect(within(row()).getByText('disabled')).toBeTruthy());
    expect((await server.api('POST', '/api/auth/login', { email: 'frank@example.test', password: 'frank-password-1' })).status).toBe(401);
    fireEvent.click(within(row()).getByRole('button', { name: 'Enable' }));
    await waitFor(() => expect(within(row()).getByText('active')).toBeTruthy());

    fireEvent.change(within(row()).getByLabelText('Role of frank@example.test'), { target: { value: 'admin' } });
    await waitFor(async () => {
      const users = (await server.api('GET', '/api/users', undefined, admin.headers)).body as Array<{ email: string; role: string }>;
      expect(users.find((user) => user.email === 'frank@example.test')?.role).toBe('admin');
    });

    fireEvent.click(within(row()).getByRole('button', { name: 'Delete frank@example.test' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Delete user' }));
    await waitFor(() => expect(within(table).queryByText('frank@example.test')).toBeNull());
    expect((await server.api('POST', '/api/auth/login', { email: 'frank@example.test', password: 'frank-password-1' })).status).toBe(401);
  });

  it('shows a plain user no user administration, global settings or model downloads', async () => {
    renderAs(carol, <UsersPage />);
    await screen.findByText('Only an administrator manages users');
    expect(screen.queryByRole('table', { name: 'Users' })).toBeNull();
    cleanup();
    renderAs(carol, <SettingsPage />);
    await screen.findByRole('heading', { name: 'My account' }, { timeout: 10_000 });
    expect(screen.getByText(/managed by an administrator/)).toBeTruthy();
    expect(button('Save settings')).toBeNull();
    expect(screen.queryByRole('table', { name: 'Chat models' })).toBeNull();
    expect(button(/^Download /)).toBeNull();
  });
});

describe('MembersDialog', () => {
  it('is labelled with the project and closes on Escape', async () => {
    const original = globalThis.fetch;
    globalThis.fetch = (async () =>
      new Response(JSON.stringify([{ user_id: 1, email: 'owner@example.test', name: 'Olive', role: 'owner' }]), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      })) as typeof fetch;
    let closed = 0;
    try {
      render(
        <QueryClientProvider client={new QueryClient()}>
          <MembersDialog projectId={3} projectName="Garden" onClose={() => (closed += 1)} />
        </QueryClientProvider>,
      );
      expect(screen.getByRole('dialog', { name: 'Members of “Garden”' })).toBeTruthy();
      expect(await screen.findByText('Olive')).toBeTruthy();
      fireEvent.keyDown(document, { key: 'Escape' });
      expect(closed).toBe(1);
    } finally {
      cleanup();
      globalThis.fetch = original;
    }
  });
});
