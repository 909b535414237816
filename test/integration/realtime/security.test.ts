import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { clientEventSchemas } from '../../../src/protocol/socket-events.ts';
import { connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

describe('handshake origin checks and token auth', () => {
  let server: TestServer;
  afterEach(async () => server?.close());

  async function attempt(options: { origin?: string; transport: 'websocket' | 'polling'; token?: string }) {
    const socket = io(server.url, {
      transports: [options.transport],
      reconnection: false,
      forceNew: true,
      extraHeaders: options.origin ? { origin: options.origin } : {},
      auth: options.token ? { token: options.token } : {},
    });
    try {
      return await new Promise<'connected' | 'refused'>((resolve) => {
        socket.once('connect', () => resolve('connected'));
        socket.once('connect_error', () => resolve('refused'));
      });
    } finally {
      socket.disconnect();
    }
  }

  it('refuses foreign origins over WebSocket and polling, allows listed, same-origin and non-browser clients', async () => {
    server = await startTestServer({ CORS_ORIGINS: 'https://app.example.com' });
    for (const transport of ['websocket', 'polling'] as const) {
      expect(await attempt({ transport, origin: 'https://evil.example' })).toBe('refused');
      expect(await attempt({ transport, origin: 'https://app.example.com.evil.com' })).toBe('refused');
      expect(await attempt({ transport, origin: 'https://app.example.com' })).toBe('connected');
      expect(await attempt({ transport, origin: server.url })).toBe('connected');
      expect(await attempt({ transport })).toBe('connected');
    }
    // DNS rebinding: a foreign name pointing at this server is not "same origin".
    const rebinding = await fetch(`${server.url}/api/projects`, {
      headers: { origin: 'http://evil.example:1234', host: 'evil.example:1234' },
    });
    expect(rebinding.status).toBe(403);
  });

  it('refuses REST calls from foreign pages (a form post needs no preflight)', async () => {
    server = await startTestServer();
    const response = await fetch(`${server.url}/api/projects`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'planted' }),
    });
    expect(response.status).toBe(403);
    expect((await server.api('GET', '/api/projects')).body).toEqual([]);
  });

  it('requires the API token when one is configured', async () => {
    const token = 'a-long-enough-test-token';
    server = await startTestServer({ API_TOKEN: token });
    expect(await attempt({ transport: 'websocket' })).toBe('refused');
    expect(await attempt({ transport: 'websocket', token: 'wrong-token-of-some-length' })).toBe('refused');
    expect(await attempt({ transport: 'websocket', token })).toBe('connected');
    expect((await server.api('GET', '/api/projects')).status).toBe(401);
    expect((await server.api('GET', '/api/projects', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await server.api('GET', '/api/health')).status).toBe(200);
  });

  it('requires the API token however the path is spelled (the router decodes %61pi to api)', async () => {
    server = await startTestServer({ API_TOKEN: 'a-long-enough-test-token' });
    for (const spelling of ['/%61pi/settings', '/%61%70%69/projects', '/api/%73ettings', '/api/settings/']) {
      const response = await server.api('GET', spelling);
      expect(response.status, spelling).toBe(401);
    }
    expect((await server.api('GET', '/api/health/')).status).toBe(200);
  });

  it('keeps connection state recovery off', async () => {
    server = await startTestServer();
    expect((server.gateway.io as unknown as { opts: Record<string, unknown> }).opts.connectionStateRecovery).toBeUndefined();
    expect(server.gateway.io.engine.opts.perMessageDeflate).toBe(false);
    expect(server.gateway.io.engine.opts.maxHttpBufferSize).toBeLessThanOrEqual(1e6);
  });
});

describe('fuzzing every client event while a bystander streams', () => {
  let server: TestServer;
  const sockets: ClientSocket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await server?.close();
  });

  it('answers garbage with errors, never crashes, and never disturbs another stream', async () => {
    server = await startTestServer();
    const { chatId, projectId } = await createProjectAndChat(server);
    // The attacker aims at its own chat: in a single-user app any client may stop any answer.
    const target = (await server.api('POST', '/api/chats', { project_id: projectId })).body.id as number;
    const bystander = await connect(server.url);
    const attacker = await connect(server.url);
    sockets.push(bystander, attacker);
    server.ollama.queue({ tokenCount: 300, tokenDelayMs: 2 });
    const seqs: number[] = [];
    bystander.on('message_token', (token) => seqs.push(token.seq));
    const bystanderErrors: unknown[] = [];
    bystander.on('error', (error) => bystanderErrors.push(error));
    const complete = waitFor(bystander, 'message_complete', (data) => data.chat_id === chatId, 20_000);
    bystander.emit('send_message', { chat_id: chatId, message: 'keep streaming' });

    const nasty: unknown[] = [
      undefined,
      null,
      0,
      -1,
      1e308,
      Number.NaN,
      '',
      'x'.repeat(100_000),
      [],
      [1, 2],
      {},
      true,
      { chat_id: target },
      { project_id: projectId, extra: 1 },
      { chat_id: { $gt: 0 } },
      { chat_id: [1] },
      { chat_id: target, message: { toString: 'x' } },
      { chat_id: target, message: 'x', temperature: Infinity },
      { chat_id: '1; DROP TABLE chats', message: 'x' },
      { project_id: '../../etc/passwd' },
      JSON.parse('{"__proto__": {"admin": true}, "chat_id": 1}'),
      JSON.parse('{"constructor": {"prototype": {"x": 1}}}'),
      { chat_id: target, after_seq: -5 },
      { chat_id: target, after_seq: 'a' },
      { chat_id: 2 ** 60 },
      Buffer.from('binary payload'),
      { deep: JSON.parse('['.repeat(500) + ']'.repeat(500)) },
    ];
    const events = [...Object.keys(clientEventSchemas).filter((name) => name !== 'ping'), 'unknown_event'];
    let errors = 0;
    attacker.on('error', () => {
      errors += 1;
    });
    for (const event of events) {
      for (const payload of nasty) (attacker.emit as (event: string, payload: unknown) => void)(event, payload);
    }
    // Arguments beyond the payload, and no arguments at all.
    (attacker.emit as (...args: unknown[]) => void)('send_message', { chat_id: target, message: 'a' }, 'extra', 3);
    (attacker.emit as (...args: unknown[]) => void)('join_project');
    attacker.emit('ping', { marker: 'end' });
    await waitFor(attacker, 'pong', (pong) => (pong.echo as { marker?: string } | undefined)?.marker === 'end');

    const done = await complete;
    expect(done.metadata.status).toBe('complete');
    expect(seqs).toEqual(seqs.map((_, index) => index + 1));
    expect(bystanderErrors).toEqual([]);
    expect(errors).toBeGreaterThan(events.length);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    // Still healthy, and the attacker's garbage wrote nothing.
    expect((await server.api('GET', '/api/health')).status).toBe(200);
    const messages = (await server.api('GET', `/api/chats/${chatId}/messages`)).body as Array<{ content: string }>;
    expect(messages.map((message) => message.content)).toEqual([
      'keep streaming',
      Array.from({ length: 300 }, (_, index) => `t${index + 1} `).join(''),
    ]);
  });

  it('answers acks, deep nesting and binary attachments on every event with an error, and keeps serving', async () => {
    server = await startTestServer();
    const { chatId } = await createProjectAndChat(server);
    const attacker = await connect(server.url);
    sockets.push(attacker);
    const errors: Array<{ message: string }> = [];
    attacker.on('error', (error) => errors.push(error));
    // Raw Socket.IO frames, as an attacker writes them: no client-side encoding in the way.
    const writeFrame = (frame: string) => (attacker.io.engine as unknown as { write(data: string): void }).write(frame);
    const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deep = (depth: number) => JSON.parse(deepJson(depth));
    const events = [...Object.keys(clientEventSchemas), 'unknown_event'];
    // Untyped, so that any event name and payload can be sent with an ack.
    const withAck = (event: string, ...args: unknown[]) =>
      (attacker as unknown as { timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> } })
        .timeout(5_000)
        .emitWithAck(event, ...args);
    const errorsSoFar = () => errors.length;
    const errorsReach = async (count: number) => {
      if (errors.length < count) await waitFor(attacker, 'error', () => errors.length >= count);
    };

    // 1. The frames that killed the process: `421["ping"]` (an ack, no payload) and a ping nested 5,000 deep.
    const pingAck = await withAck('ping');
    expect(pingAck).toEqual({ ok: true });
    writeFrame('21["ping"]');
    for (const event of events) {
      const before = errorsSoFar();
      writeFrame(`2["${event}",${deepJson(5_000)}]`);
      writeFrame(`2${Math.floor(Math.random() * 1e6)}["${event}",${'['.repeat(5_000)}${']'.repeat(5_000)}]`);
      await errorsReach(before + 2);
      expect(errors.slice(before).map((error) => error.message)).toEqual(
        event === 'unknown_event'
          ? ['Unknown event: unknown_event', 'Unknown event: unknown_event']
          : [`Invalid ${event} payload: nested deeper than 32 levels`, `Invalid ${event} payload: nested deeper than 32 levels`],
      );
    }

    // 2. Every event, each hostile payload, with an ack: the ack is answered with the error, and an
    // `error` event is sent too.
    const hostile: Array<[string, unknown, RegExp]> = [
      ['deep', deep(100), /nested deeper than 32 levels/],
      ['buffer', Buffer.from('binary payload'), /expected an object, not binary data/],
      ['array buffer', new Uint8Array([1, 2, 3]).buffer, /expected an object, not binary data/],
      ['nested buffer', { chat_id: chatId, message: Buffer.from('x') }, /expected an object, not binary data/],
    ];
    for (const event of events) {
      for (const [label, payload, expected] of hostile) {
        const before = errorsSoFar();
        const answer = (await withAck(event, payload)) as {
          ok: boolean;
          error?: { message: string };
        };
        expect(answer.ok, `${event} ${label}`).toBe(false);
        expect(answer.error?.message, `${event} ${label}`).toMatch(event === 'unknown_event' ? /^Unknown event: unknown_event$/ : expected);
        expect(answer.error!.message.length).toBeLessThan(120);
        await errorsReach(before + 1);
      }
      // A well-formed payload with an ack and extra arguments: answered, never fatal.
      const answer = (await withAck(event, { chat_id: 999_999 }, 'extra')) as { ok: boolean };
      expect(typeof answer.ok).toBe('boolean');
    }

    // 3. The server still serves this client and a new one.
    attacker.emit('ping', { marker: 'after' });
    expect((await waitFor(attacker, 'pong', (pong) => (pong.echo as { marker?: string })?.marker === 'after')).timestamp).toBeGreaterThan(
      0,
    );
    const fresh = await connect(server.url);
    sockets.push(fresh);
    const { chatId: freshChat } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 3 });
    const complete = waitFor(fresh, 'message_complete', (data) => data.chat_id === freshChat);
    fresh.emit('send_message', { chat_id: freshChat, message: 'still there?' });
    expect((await complete).metadata.status).toBe('complete');
  });

  it('closes a connection that sends a message over the size limit, and keeps serving others', async () => {
    server = await startTestServer();
    const big = await connect(server.url);
    const other = await connect(server.url);
    sockets.push(big, other);
    const closed = new Promise<string>((resolve) => big.once('disconnect', (reason) => resolve(reason)));
    big.emit('ping', 'x'.repeat(400 * 1024));
    expect(await closed).toBe('transport close');
    other.emit('ping', {});
    expect((await waitFor(other, 'pong')).timestamp).toBeGreaterThan(0);
  });
});
