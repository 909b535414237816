/**
 * bench:stream — C concurrent chats (1, 10, 100) streamed from a fake Ollama at full speed through
 * the real server (its own process, or a cluster primary with N workers) to socket.io clients
 * (another process).
 *   npm run bench:stream                              (TOKENS=500 CONCURRENCY=1,10,100 to change the load)
 *   npm run bench:stream -- --workers 1,2             (each worker count in turn; CONCURRENCY=100,1000)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { FakeOllama } from '../../test/support/fake-ollama.ts';
import { startServerProcess } from '../../test/support/server-process.ts';
import { benchDir, markdownTable, publish } from '../lib/report.ts';

const run = promisify(execFile);
const tokensPerAnswer = Number(process.env.TOKENS ?? 500);
const levels = (process.env.CONCURRENCY ?? '1,10,100').split(',').map(Number);
const { values: flags } = parseArgs({ options: { workers: { type: 'string' } }, strict: true });
const workerCounts = (flags.workers ?? process.env.WORKERS ?? '1').split(',').map(Number);

/** Resident memory of a process and all its descendants (a cluster primary and its workers). */
function rssMb(pid: number): number {
  let kb = 0;
  const visit = (id: number) => {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${id}/status`, 'utf8'))?.[1] ?? 0);
      for (const child of fs.readFileSync(`/proc/${id}/task/${id}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
        visit(Number(child));
    } catch {
      // the process just ended
    }
  };
  visit(pid);
  return Math.round(kb / 1024);
}

const ollama = await new FakeOllama().start();
ollama.defaultScript = { tokenCount: tokensPerAnswer, stampTokens: true };
const rows: Array<Record<string, string | number>> = [];
const results: unknown[] = [];

for (const workers of workerCounts) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-bench-stream-'));
  const server = await startServerProcess(
    {
      DATA_DIR: dataDir,
      OLLAMA_HOST: ollama.url,
      LLM_PROVIDER: 'ollama',
      LOG_LEVEL: 'info',
      WORKERS: String(workers),
      // The clients are one process reading a thousand sockets: let its queues grow rather than drop it.
      SOCKET_SEND_QUEUE_MAX_PACKETS: '100000',
      SOCKET_SEND_QUEUE_MAX_MB: '256',
    },
    { startTimeoutMs: 120_000 },
  );
  const pid = server.child.pid!;

  async function post(urlPath: string, body: unknown): Promise<any> {
    const response = await fetch(`${server.url}${urlPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.json();
  }

  try {
    const project = await post('/api/projects', { name: 'bench' });
    for (const concurrency of levels) {
      // Made 50 at a time: a thousand requests at once would measure the HTTP side, not streaming.
      const chats: any[] = [];
      for (let index = 0; index < concurrency; index += 50) {
        chats.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(50, concurrency - index) }, () => post('/api/chats', { project_id: project.id })),
          )),
        );
      }
      let peakRss = rssMb(pid);
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, rssMb(pid));
      }, 50);
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', path.join(benchDir, 'stream/clients.ts'), server.url, chats.map((chat) => chat.id).join(',')],
        { maxBuffer: 1 << 24 },
      );
      clearInterval(sampler);
      const measured = JSON.parse(stdout);
      results.push({ workers, concurrency, tokensPerAnswer, ...measured, serverRssMb: peakRss });
      rows.push({
        workers,
        chats: concurrency,
        'tokens delivered': measured.tokens,
        'tokens/s': measured.tokensPerSecond,
        'added latency p50 / p99 (ms)': `${measured.latencyP50} / ${measured.latencyP99}`,
        'first token p50 / p99 (ms)': `${measured.firstTokenP50} / ${measured.firstTokenP99}`,
        'ping RTT p50 / p99 (ms)': `${measured.pingP50} / ${measured.pingP99}`,
        'server RSS peak (MB)': peakRss,
        errors: measured.errors,
      });
    }
  } finally {
    await server.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
await ollama.stop();

const table = markdownTable(rows);
// The worker comparison is its own section and result file; the 1/10/100 one-process run keeps its own.
publish(
  flags.workers ? 'stream-workers' : 'stream',
  { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results },
  `## bench:stream\n\n${levels.join(', ')} concurrent chats (server with ${workerCounts.join(', ')} worker(s)), ${tokensPerAnswer} tokens each from the fake Ollama at full speed; ` +
    `server and clients in separate processes on this ${os.cpus().length}-core machine. ` +
    `"Added latency" = fake-Ollama emit → client receive (through the server). Command: \`npm run bench:stream -- --workers ${workerCounts.join(',')}\` (CONCURRENCY=${levels.join(',')}).\n\n${table}`,
);
