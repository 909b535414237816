import fs from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

/**
 * The real server serving the built web app (`npm run build:web` first; `npm run test:e2e` does it),
 * with a fresh data dir and its own fake Ollama.
 */
export async function startWebServer(overrides: Record<string, string | number> = {}): Promise<TestServer> {
  if (!fs.existsSync(path.resolve('dist/web/index.html'))) {
    throw new Error('dist/web is missing: run `npm run build:web` before the e2e tests (npm run test:e2e does it)');
  }
  return startTestServer({ SERVE_WEB: 'true', GENERATION_GRACE_SECONDS: 60, ...overrides });
}

/** A name no other test (or earlier run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
