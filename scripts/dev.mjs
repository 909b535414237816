#!/usr/bin/env node
// `npm run dev`: the API server with reload on change (tsx watch) and the web app with hot reload
// (Vite on http://127.0.0.1:5173, proxying /api, /socket.io and /docs to the server). Ctrl+C stops both.
import { spawn } from 'node:child_process';
import path from 'node:path';

const bin = (name) => path.resolve('node_modules/.bin', name);

// Each child leads its own process group, so stopping it also stops what it started (tsx's node).
const children = [
  ['server', bin('tsx'), ['watch', 'src/server/main.ts']],
  ['web', bin('vite'), ['--config', 'src/web/vite.config.ts']],
].map(([name, command, args]) => {
  const child = spawn(command, args, { stdio: 'inherit', detached: true, env: { ...process.env, FORCE_COLOR: '1' } });
  child.on('exit', (code, signal) => {
    if (!stopping) console.log(`[dev] ${name} exited (${signal ?? code}); stopping the rest`);
    shutdown(code ?? 0);
  });
  return child;
});

let stopping = false;
function shutdown(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  setTimeout(() => process.exit(code), 1_000).unref();
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => shutdown(0));
console.log('[dev] web app with hot reload: http://127.0.0.1:5173 (API on http://127.0.0.1:8000)');
