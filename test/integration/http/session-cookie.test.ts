import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../support/socket-client.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

const TOKEN = 'a-long-enough-session-token';

/**
 * The web app's session: the API token exchanged once for an httpOnly, SameSite=Strict cookie that
 * REST and the socket handshake accept, under CSRF rules for requests the page did not make.
 */
describe('session cookie in token mode', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  async function signIn(): Promise<string> {
    const response = await server.api('POST', '/api/session', { token: TOKEN });
    expect(response.status).toBe(204);
    const setCookie = response.headers.get('set-cookie') ?? '';
    return setCookie.split(';')[0]!;
  }

  it('exchanges the token for an httpOnly SameSite=Strict cookie that never holds the token', async () => {
    server = await startTestServer({ API_TOKEN: TOKEN });
    expect((await server.api('GET', '/api/session')).body).toEqual({ token_required: true, signed_in: false });

    // 1. A wrong token gets a sentence and no cookie.
    const wrong = await server.api('POST', '/api/session', { token: 'not-the-right-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.detail).toBe('That API token is not valid.');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await server.api('POST', '/api/session', { token: TOKEN, extra: 1 })).status).toBe(422);

    // 2. The right one: a cookie scoped to the whole app, unreadable by scripts, never sent cross-site.
    const response = await server.api('POST', '/api/session', { token: TOKEN });
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^daa_session=[^;]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;

    // 3. REST accepts it; so does GET /api/session.
    expect((await server.api('GET', '/api/projects', undefined, { cookie })).status).toBe(200);
    expect((await server.api('GET', '/api/session', undefined, { cookie })).body).toEqual({ token_required: true, signed_in: true });

    // 4. Tampered values are refused.
    const [name, value] = cookie.split('=') as [string, string];
    const [expires, mac] = value.split('.') as [string, string];
    const tampered = [
      `${name}=${Number(expires) + 1}.${mac}`,
      `${name}=${expires}.${mac.replace(/^./, mac[0] === 'A' ? 'B' : 'A')}`,
      `${name}=${TOKEN}`,
    ];
    for (const bad of tampered) expect((await server.api('GET', '/api/projects', undefined, { cookie: bad })).status, bad).toBe(401);

    // 5. Sign-out clears it in the browser.
    const out = await server.api('DELETE', '/api/session', undefined, { cookie });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^daa_session=; Path=\/; Max-Age=0; HttpOnly; SameSite=Strict$/);
  });

  it('lets a cookie change state only from the app’s own origin (CSRF)', async () => {
    server = await startTestServer({ API_TOKEN: TOKEN });
    const cookie = await signIn();
    const create = (headers: Record<string, string>, name: string) => server.api('POST', '/api/projects', { name }, { cookie, ...headers });

    // The web app's own fetch: Origin is the server, Sec-Fetch-Site same-origin.
    expect((await create({ origin: server.url, 'sec-fetch-site': 'same-origin' }, 'from the app')).status).toBe(201);
    // No Origin on a state change: not our page (every browser sends Origin on POST).
    expect((await create({}, 'no origin')).status).toBe(401);
    // A page on another port of the same host is "same-site": SameSite lets the cookie through.
    expect((await create({ origin: server.url, 'sec-fetch-site': 'same-site' }, 'sibling port')).status).toBe(401);
    expect((await create({ origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' }, 'sibling origin')).status).toBe(403);
    expect((await server.api('GET', '/api/projects', undefined, { cookie, 'sec-fetch-site': 'cross-site' })).status).toBe(401);
    // A bearer token is not a cookie: no Origin needed (curl, SDKs).
    expect((await server.api('POST', '/api/projects', { name: 'from curl' }, { authorization: `Bearer ${TOKEN}` })).status).toBe(201);
    const names = (await server.api('GET', '/api/projects', undefined, { cookie })).body.map((project: { name: string }) => project.name);
    expect(names.sort()).toEqual(['from curl', 'from the app']);
  });

  it('accepts the cookie at the socket handshake, but not on a JSONP poll a foreign page could read', async () => {
    server = await startTestServer({ API_TOKEN: TOKEN });
    const cookie = await signIn();
    for (const transport of ['websocket', 'polling'] as const) {
      const socket = await connect(server.url, { transports: [transport], extraHeaders: { cookie } });
      expect(socket.connected).toBe(true);
      socket.disconnect();
      await expect(
        connect(server.url, { transports: [transport], extraHeaders: { cookie, 'sec-fetch-site': 'same-site' } }),
      ).rejects.toThrow('unauthorized');
    }

    // engine.io still speaks JSONP (`?j=`), which a <script> on a sibling port could read.
    const connectPacket = async (jsonp: boolean) => {
      const base = `${server.url}/socket.io/?EIO=4&transport=polling${jsonp ? '&j=0' : ''}`;
      const open = await (await fetch(base, { headers: { cookie } })).text();
      const sid = /"sid":"([^"]+)"/.exec(open.replace(/\\"/g, '"'))?.[1];
      expect(sid, open).toBeTruthy();
      const post = jsonp
        ? { headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: `d=${encodeURIComponent('40')}` }
        : { headers: { cookie, 'content-type': 'text/plain' }, body: '40' };
      expect((await fetch(`${base}&sid=${sid}`, { method: 'POST', ...post })).status).toBe(200);
      return (await (await fetch(`${base}&sid=${sid}`, { headers: { cookie } })).text()).replace(/\\"/g, '"');
    };
    expect(await connectPacket(false)).toMatch(/^40\{"sid"/);
    expect(await connectPacket(true)).toContain('44{"message":"unauthorized"}');
  });

  it('without API_TOKEN, says no token is needed and sets no cookie', async () => {
    server = await startTestServer();
    expect((await server.api('GET', '/api/session')).body).toEqual({ token_required: false, signed_in: true });
    const response = await server.api('POST', '/api/session', { token: 'anything-at-all' });
    expect(response.status).toBe(204);
    expect(response.headers.get('set-cookie')).toBeNull();
  });
});
