import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ModelPullProgress } from '../../../src/protocol/models.ts';
import { connect, waitFor, type ClientSocket } from '../../support/socket-client.ts';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

/** Collects `model_pull_progress` events for one model on a socket. */
function collectProgress(socket: ClientSocket, modelName: string): ModelPullProgress[] {
  const events: ModelPullProgress[] = [];
  socket.on('model_pull_progress', (progress) => {
    if (progress.model_name === modelName) events.push(progress);
  });
  return events;
}

function finished(socket: ClientSocket, modelName: string) {
  return waitFor(socket, 'model_pull_progress', (progress) => progress.model_name === modelName && progress.done);
}

/** Reads an SSE response to its end, returning the JSON of each `data:` frame. */
async function readSse(response: Response): Promise<ModelPullProgress[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .map((frame) => frame.split('\n').find((line) => line.startsWith('data: ')))
    .filter((line): line is string => line !== undefined)
    .map((line) => JSON.parse(line.slice('data: '.length)));
}

describe('model downloads with live progress', () => {
  let server: TestServer;
  let socket: ClientSocket;

  beforeEach(async () => {
    server = await startTestServer();
    socket = await connect(server.url);
  });
  afterEach(async () => {
    socket.disconnect();
    await server.close();
  });

  it('returns 202 at once, then streams progress in order to 100 % and done, and the model is installed', async () => {
    server.ollama.pullChunks = 5;
    server.ollama.pullDelayMs = 30;
    const events = collectProgress(socket, 'mistral');
    const done = finished(socket, 'mistral');

    const response = await server.api('POST', '/api/settings/models/pull', { model_name: 'mistral' });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      success: true,
      model_name: 'mistral',
      joined: false,
      done: false,
      events_url: '/api/settings/models/pull/mistral/events',
    });
    const final = await done;

    expect(final).toEqual({ model_name: 'mistral', status: 'success', completed: 1_000_000, total: 1_000_000, percent: 100, done: true });
    const statuses = events.map((event) => event.status);
    expect(statuses[0]).toBe('starting');
    expect(statuses).toContain('pulling manifest');
    expect(statuses.indexOf('pulling manifest')).toBeLessThan(statuses.indexOf('pulling 2ae6f6dd7a3d'));
    expect(statuses.slice(-3)).toEqual(['verifying sha256 digest', 'writing manifest', 'success']);
    const percents = events.map((event) => event.percent);
    expect(percents).toEqual([...percents].sort((left, right) => left - right));
    expect(percents.filter((percent) => percent > 0 && percent < 100)).toEqual([20, 40, 60, 80]);
    expect(events.filter((event) => event.done)).toHaveLength(1);

    // Ollama was asked once, with the name as given; the model is now listed as installed.
    expect(server.ollama.requestsTo('/api/pull').map((request) => request.body)).toEqual([{ model: 'mistral', stream: true }]);
    const installed = await server.api('GET', '/api/settings/models/installed');
    expect(installed.body.llm_models.map((model: { name: string }) => model.name)).toContain('mistral:latest');
    // And it can be chosen at once.
    expect((await server.api('PUT', '/api/settings/models', { llm_model: 'mistral' })).status).toBe(200);
  });

  it('sends the same progress to every connected client', async () => {
    const other = await connect(server.url);
    try {
      server.ollama.pullChunks = 4;
      server.ollama.pullDelayMs = 20;
      const first = collectProgress(socket, 'phi3');
      const second = collectProgress(other, 'phi3');
      const doneFirst = finished(socket, 'phi3');
      const doneSecond = finished(other, 'phi3');
      expect((await server.api('POST', '/api/settings/models/pull', { model_name: 'phi3' })).status).toBe(202);
      await Promise.all([doneFirst, doneSecond]);
      expect(first.length).toBeGreaterThanOrEqual(7);
      expect(second).toEqual(first);
      expect(first.at(-1)).toMatchObject({ status: 'success', percent: 100, done: true });
    } finally {
      other.disconnect();
    }
  });

  it('joins a running download of the same model instead of starting another', async () => {
    server.ollama.pullChunks = 10;
    server.ollama.pullDelayMs = 30;
    const done = finished(socket, 'qwen2.5');
    const first = await server.api('POST', '/api/settings/models/pull', { model_name: 'qwen2.5' });
    const second = await server.api('POST', '/api/settings/models/pull', { model_name: 'qwen2.5:latest' });
    expect(first.body.joined).toBe(false);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ joined: true, model_name: 'qwen2.5', done: false });
    expect(second.body.message).toMatch(/already downloading/);
    await done;
    expect(server.ollama.requestsTo('/api/pull')).toHaveLength(1);
    // Once finished, asking again downloads again (Ollama updates the model).
    const again = finished(socket, 'qwen2.5');
    expect((await server.api('POST', '/api/settings/models/pull', { model_name: 'qwen2.5' })).body.joined).toBe(false);
    await again;
    expect(server.ollama.requestsTo('/api/pull')).toHaveLength(2);
  });

  it('cancels a running download: the request to Ollama is hung up and the end is announced', async () => {
    server.ollama.pullChunks = 400;
    server.ollama.pullDelayMs = 25;
    const moving = waitFor(socket, 'model_pull_progress', (progress) => progress.model_name === 'mixtral' && progress.percent > 0);
    const done = finished(socket, 'mixtral');
    await server.api('POST', '/api/settings/models/pull', { model_name: 'mixtral' });
    await moving;

    const response = await server.api('DELETE', '/api/settings/models/pull/mixtral');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ model_name: 'mixtral', status: 'cancelled', done: true, error: 'The download was cancelled' });
    expect(response.body.percent).toBeGreaterThan(0);
    expect(response.body.percent).toBeLessThan(100);
    expect(await done).toEqual(response.body);

    const upstream = server.ollama.requestsTo('/api/pull')[0]!;
    await upstream.settled;
    expect(upstream.hungUp).toBe(true);
    expect(server.ollama.models.some((model) => model.name === 'mixtral:latest')).toBe(false);

    const again = await server.api('DELETE', '/api/settings/models/pull/mixtral');
    expect(again.status).toBe(404);
  });

  it('ends with the error when Ollama refuses the download (HTTP 500)', async () => {
    const done = finished(socket, 'does-not-exist');
    const response = await server.api('POST', '/api/settings/models/pull', { model_name: 'does-not-exist' });
    expect(response.status).toBe(202);
    expect(await done).toMatchObject({
      model_name: 'does-not-exist',
      status: 'error',
      done: true,
      error: "Downloading 'does-not-exist' failed: pull model manifest: file does not exist",
    });
  });

  it('ends with the error when Ollama reports one in the middle of the stream', async () => {
    server.ollama.pullChunks = 6;
    const events = collectProgress(socket, 'fails-midway');
    const done = finished(socket, 'fails-midway');
    await server.api('POST', '/api/settings/models/pull', { model_name: 'fails-midway' });
    const final = await done;
    expect(final).toMatchObject({
      status: 'error',
      done: true,
      error: "Downloading 'fails-midway' failed: max retries exceeded: unexpected EOF",
    });
    expect(final.percent).toBe(50);
    expect(events.filter((event) => event.done)).toHaveLength(1);
    expect(server.ollama.models.some((model) => model.name.startsWith('fails-midway'))).toBe(false);
  });

  it('streams progress as SSE: the latest state first, then live, ending with done', async () => {
    server.ollama.pullChunks = 5;
    server.ollama.pullDelayMs = 30;
    const started = await server.api('POST', '/api/settings/models/pull', { model_name: 'gemma2:2b' });
    const response = await fetch(`${server.url}${started.body.events_url}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = await readSse(response);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.every((frame) => frame.model_name === 'gemma2:2b')).toBe(true);
    expect(frames.at(-1)).toMatchObject({ status: 'success', percent: 100, done: true });
    expect(frames.filter((frame) => frame.done)).toHaveLength(1);
    const percents = frames.map((frame) => frame.percent);
    expect(percents).toEqual([...percents].sort((left, right) => left - right));

    // A late watcher gets the final state at once, and the stream ends.
    const late = await readSse(await fetch(`${server.url}${started.body.events_url}`));
    expect(late).toEqual([frames.at(-1)]);
    expect((await server.api('GET', '/api/settings/models/pulls')).body).toEqual([frames.at(-1)]);

    const unknown = await fetch(`${server.url}/api/settings/models/pull/never-pulled/events`);
    expect(unknown.status).toBe(404);
  });

  it('the original /api/llm/model/pull/{name} route starts the same background download', async () => {
    const done = finished(socket, 'tinyllama');
    const response = await server.api('POST', '/api/llm/model/pull/tinyllama');
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ model_name: 'tinyllama', joined: false, success: true });
    expect(await done).toMatchObject({ status: 'success', done: true });
  });

  it('refuses a fourth simultaneous download with 409, and cancelling frees a slot', async () => {
    server.ollama.pullChunks = 400;
    server.ollama.pullDelayMs = 25;
    for (const name of ['one', 'two', 'three']) {
      expect((await server.api('POST', '/api/settings/models/pull', { model_name: name })).status).toBe(202);
    }
    let response = await server.api('POST', '/api/settings/models/pull', { model_name: 'four' });
    expect(response.status).toBe(409);
    expect(response.body.detail).toBe('3 model downloads are already running; wait for one to finish or cancel one');
    // Joining a running one is still fine.
    expect((await server.api('POST', '/api/settings/models/pull', { model_name: 'two' })).body.joined).toBe(true);
    await server.api('DELETE', '/api/settings/models/pull/one');
    response = await server.api('POST', '/api/settings/models/pull', { model_name: 'four' });
    expect(response.status).toBe(202);
    for (const name of ['two', 'three', 'four']) await server.api('DELETE', `/api/settings/models/pull/${name}`);
    expect(server.pulls.running()).toHaveLength(0);
  });

  it('validates the model name and refuses to delete a model while it downloads', async () => {
    let response = await server.api('POST', '/api/settings/models/pull', { model_name: '' });
    expect(response.status).toBe(422);
    response = await server.api('POST', '/api/settings/models/pull', { model_name: '../../etc/passwd' });
    expect(response.status).toBe(422);
    expect(response.body.detail).toMatch(/not a valid model name/);
    response = await server.api('POST', '/api/settings/models/pull', { model_name: 'library/../secret' });
    expect(response.status).toBe(422);

    server.ollama.pullChunks = 400;
    server.ollama.pullDelayMs = 25;
    const done = finished(socket, 'llama3.1');
    await server.api('POST', '/api/settings/models/pull', { model_name: 'llama3.1' });
    response = await server.api('DELETE', '/api/settings/models/llama3.1');
    expect(response.status).toBe(409);
    expect(response.body.detail).toBe("'llama3.1' is downloading; cancel the download first");
    await server.api('DELETE', '/api/settings/models/pull/llama3.1');
    await done;
  });
});
