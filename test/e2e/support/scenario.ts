import { afterAll, beforeAll } from 'vitest';
import type { TestServer } from '../../support/test-server.ts';
import { launchBrowser } from './browser.ts';
import { startWebServer } from './web-server.ts';

export interface Scenario {
  readonly server: TestServer;
  readonly browser: Awaited<ReturnType<typeof launchBrowser>>;
}

/** One real server (serving the built web app, with a fake Ollama) and one Chromium per test file. */
export function useWebScenario(): Scenario {
  let server: TestServer | undefined;
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  beforeAll(async () => {
    server = await startWebServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('the scenario has not started');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('the scenario has not started');
      return browser;
    },
  };
}
