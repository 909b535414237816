import type { Logger } from 'pino';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/server/app-server.ts';
import { loadConfig } from '../../src/server/config.ts';
import type { Retriever } from '../../src/server/search/retriever.ts';
import { FakeOllama } from './fake-ollama.ts';
import { createTestDatabase } from './postgres-database.ts';

export interface TestServer extends RunningServer {
  ollama: FakeOllama;
  dataDir: string;
  /** fetch against the server, JSON in and out. */
  api<T = any>(
    method: string,
    urlPath: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * A real server on an ephemeral port with a fresh data dir and its own fake Ollama. `close()` stops
 * both and removes the data dir. With TEST_STORE=postgres the server runs on a throw-away PostgreSQL
 * database (DATABASE_URL), dropped by `close()`.
 */
export async function startTestServer(
  overrides: Record<string, string | number> = {},
  options: { ollama?: FakeOllama; dataDir?: string; keepDataDir?: boolean; retriever?: Retriever; logger?: Logger; webRoot?: string } = {},
): Promise<TestServer> {
  const ollama = options.ollama ?? (await new FakeOllama().start());
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'daa-test-'));
  const database = process.env.TEST_STORE === 'postgres' && overrides.DATABASE_URL === undefined ? await createTestDatabase() : undefined;
  if (database) overrides = { ...overrides, DATABASE_URL: database.url };
  const config = loadConfig({}, {
    HOST: '127.0.0.1',
    PORT: 0,
    DATA_DIR: dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OLLAMA_HOST: ollama.url,
    LLM_PROVIDER: 'ollama',
    SERVE_WEB: 'false',
    ...Object.fromEntries(Object.entries(overrides).map(([key, value]) => [key, String(value)])),
  } as never);
  const server = await startServer(config, { retriever: options.retriever, logger: options.logger, webRoot: options.webRoot });
  const closeServer = server.close;
  return Object.assign(server, {
    ollama,
    dataDir,
    async api(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${server.url}${urlPath}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed as any, headers: response.headers };
    },
    async close() {
      await closeServer();
      if (!options.ollama) await ollama.stop();
      if (!options.keepDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    },
  });
}

/** Creates a project and a chat in it through the API. */
export async function createProjectAndChat(server: TestServer, name = `Project ${Math.random().toString(36).slice(2, 8)}`) {
  const project = await server.api('POST', '/api/projects', { name });
  if (project.status !== 201) throw new Error(`project create failed: ${JSON.stringify(project.body)}`);
  const chat = await server.api('POST', '/api/chats', { project_id: project.body.id });
  if (chat.status !== 201) throw new Error(`chat create failed: ${JSON.stringify(chat.body)}`);
  return { projectId: project.body.id as number, chatId: chat.body.id as number };
}
