/**
 * bench:stream — C concurrent chats (1, 10, 100) streamed from a fake Ollama at full speed through
 * the real server (its own process, or a cluster primary with N workers) to socket.io clients
 * (another process).
 *   npm run bench:stream                              (TOKENS=500 CONCURRENCY=1,10,100 to change the load)
 *   npm run bench:stream -- --workers 1,2             (each worker count in turn; CONCURRENCY=100,1000)
 * Every socket joins the project room first, as the web app does (JOIN_PROJECT=0: none). PACE=50 paces
 * the fake model at 50 tokens/s per chat (0: full speed). Each level also runs the bare Socket.IO
 * relay (bare-relay.ts; RELAY=0 skips it) with the same clients, and both servers' CPU time per
 * delivered token is read from /proc. PROFILE=<dir> writes the server's V8 CPU profile there.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { FakeOllama } from '../../test/support/fake-ollama.ts';
import { startServerProcess } from '../../test/support/server-process.ts';
import { benchDir, markdownTable, publish } from '../lib/report.ts';
import { round } from '../lib/stats.ts';

const run = promisify(execFile);
const tokensPerAnswer = Number(process.env.TOKENS ?? 500);
const levels = (process.env.CONCURRENCY ?? '1,10,100').split(',').map(Number);
const { values: flags } = parseArgs({ options: { workers: { type: 'string' } }, strict: true });
const workerCounts = (flags.workers ?? process.env.WORKERS ?? '1').split(',').map(Number);
const joinProject = process.env.JOIN_PROJECT !== '0';
const pace = Number(process.env.PACE ?? 0);
const withRelay = process.env.RELAY !== '0';
const profileDir = process.env.PROFILE ? path.resolve(process.env.PROFILE) : undefined;

/** User + system CPU seconds of a process and all its descendants (clock ticks are 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  let ticks = 0;
  const visit = (id: number) => {
    try {
      const fields = fs.readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
      for (const child of fs.readFileSync(`/proc/${id}/task/${id}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
        visit(Number(child));
    } catch {
      // the process just ended
    }
  };
  visit(pid);
  return ticks / 100;
}

/** Starts the bare relay and waits for its URL. */
async function startRelay(ollamaUrl: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(benchDir, 'stream/bare-relay.ts'), ollamaUrl], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /"url":"([^"]+)"/.exec(output);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the relay exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Runs the client process against a server; returns what it measured and the server's CPU per token. */
async function measure(url: string, pid: number, chatIds: number[], projectId: number) {
  const cpuBefore = cpuSeconds(pid);
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(benchDir, 'stream/clients.ts'), url, chatIds.join(','), String(joinProject ? projectId : 0)],
    { maxBuffer: 1 << 24 },
  );
  const measured = JSON.parse(stdout);
  const cpu = cpuSeconds(pid) - cpuBefore;
  return { ...measured, serverCpuSeconds: round(cpu, 2), serverCpuUsPerToken: round((cpu * 1e6) / Math.max(1, measured.tokens), 1) };
}

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
ollama.defaultScript = { tokenCount: tokensPerAnswer, stampTokens: true, ...(pace > 0 ? { tokenDelayMs: 1000 / pace } : {}) };
const relay = withRelay ? await startRelay(ollama.url) : undefined;
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
    { startTimeoutMs: 120_000, nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [] },
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
      const measured = await measure(
        server.url,
        pid,
        chats.map((chat) => chat.id),
        project.id,
      );
      clearInterval(sampler);
      results.push({ workers, concurrency, tokensPerAnswer, pace, joinProject, ...measured, serverRssMb: peakRss });
      const reference = relay
        ? await measure(
            relay.url,
            relay.pid,
            chats.map((chat) => chat.id),
            project.id,
          )
        : undefined;
      if (reference) results.push({ server: 'bare relay', concurrency, tokensPerAnswer, pace, joinProject, ...reference });
      for (const [name, row] of [['server', measured], ...(reference ? [['bare relay', reference]] : [])] as const)
        rows.push({
          server: name === 'server' ? `server (${workers} worker${workers === 1 ? '' : 's'})` : name,
          chats: concurrency,
          'tokens delivered': row.tokens,
          'tokens/s': row.tokensPerSecond,
          'server CPU µs/token': row.serverCpuUsPerToken,
          'added latency p50 / p99 (ms)': `${row.latencyP50} / ${row.latencyP99}`,
          'first token p50 / p99 (ms)': `${row.firstTokenP50} / ${row.firstTokenP99}`,
          'completion (s)': row.seconds,
          'ping RTT p50 / p99 (ms)': `${row.pingP50} / ${row.pingP99}`,
          'server RSS peak (MB)': name === 'server' ? peakRss : '',
          errors: row.errors,
        });
    }
  } finally {
    await server.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
await relay?.stop();
await ollama.stop();

const table = markdownTable(rows);
// The worker comparison is its own section and result file; the 1/10/100 one-process run keeps its own.
publish(
  flags.workers ? 'stream-workers' : 'stream',
  { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results },
  `## bench:stream\n\n${levels.join(', ')} concurrent chats (server with ${workerCounts.join(', ')} worker(s)), ${tokensPerAnswer} tokens each from the fake Ollama at full speed; ` +
    `server and clients in separate processes on this ${os.cpus().length}-core machine; ${joinProject ? 'every socket joined the project room first (as the web app does)' : 'no socket joined the project room'}${pace > 0 ? `; the model paced at ${pace} tokens/s per chat` : ''}; the bare Socket.IO relay (bench/stream/bare-relay.ts) ran with the same clients. ` +
    `"Added latency" = fake-Ollama emit → client receive (through the server). Command: \`npm run bench:stream -- --workers ${workerCounts.join(',')}\` (CONCURRENCY=${levels.join(',')}).\n\n${table}`,
);
