import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A tiny "built web app" (shell, a script and its source map) for tests that need static files. */
export function createWebRootFixture(): { root: string; remove(): void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-web-'));
  fs.mkdirSync(path.join(root, 'assets'));
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>DAA Chatbot</title><script src="/assets/app.js"></script>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("app");\n//# sourceMappingURL=app.js.map\n');
  fs.writeFileSync(path.join(root, 'assets', 'app.js.map'), JSON.stringify({ version: 3, sources: ['SOURCEMAPCANARY.tsx'], mappings: '' }));
  return { root, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}
