import { startTestServer, type TestServer } from '../../support/test-server.ts';

export const ADMIN = { email: 'admin@example.test', password: 'admin-password-1' };

/** A server with accounts on and its first admin from ADMIN_EMAIL / ADMIN_PASSWORD. */
export function startAccountsServer(
  overrides: Record<string, string | number> = {},
  options: Parameters<typeof startTestServer>[1] = {},
): Promise<TestServer> {
  return startTestServer({ AUTH_MODE: 'accounts', ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, ...overrides }, options);
}

export interface SignedInUser {
  id: number;
  token: string;
  headers: Record<string, string>;
}

export async function login(server: TestServer, email: string, password: string): Promise<SignedInUser> {
  const response = await server.api('POST', '/api/auth/login', { email, password });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
  return {
    id: response.body.user.id,
    token: response.body.access_token,
    headers: { authorization: `Bearer ${response.body.access_token}` },
  };
}

/** Creates a user as the admin and signs them in. */
export async function addUser(
  server: TestServer,
  admin: SignedInUser,
  email: string,
  role: 'admin' | 'user' = 'user',
): Promise<SignedInUser> {
  const password = `${email}-password`;
  const created = await server.api('POST', '/api/users', { email, password, role }, admin.headers);
  if (created.status !== 201) throw new Error(`user creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  return login(server, email, password);
}

export async function uploadText(server: TestServer, user: SignedInUser, projectId: number, text: string, filename = 'notes.txt') {
  const form = new FormData();
  form.append('file', new Blob([text]), filename);
  const response = await fetch(`${server.url}/api/projects/${projectId}/documents`, { method: 'POST', headers: user.headers, body: form });
  return { status: response.status, body: (await response.json()) as any };
}
