/**
 * bench:stream — C concurrent chats (1, 10, 100) streamed from a fake Ollama at full speed through
 * the real server (its own process, or a cluster primary with N workers) to socket.io clients
 * (another process).
 *   npm run bench:stream                              (TOKENS=500 CONCURRENCY=1,10,100 to change the load)
 *   npm run bench:stream -- --workers 1,2             (each worker count in turn; CONCURRENCY=100,1000)
 *   npm run bench:stream -- --workers 1 --nodes 1,2   (also N separate server processes on their own
 *                                                      ports, as N machines would run them: one throw-away
 *                                                      PostgreSQL database, one Redis prefix, one DATA_DIR;
 *                                                      the clients spread over them)
 * Every socket joins the project room first, as the web app does (JOIN_PROJECT=0: none). PACE=50 paces
 * the fake model at 50 tokens/s per chat (0: full speed). Each level also runs the bare Socket.IO
 * relay (bare-relay.ts; RELAY=0 skips it) with the same clients, and the server's CPU time per
 * delivered token is read from /proc (one-process and --workers setups; summed over --nodes servers).
 * PROFILE=<dir> writes the servers' V8 CPU profiles there. One unmeasured answer warms each server and
 * the relay up first (WARMUP=0: none).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { FakeOllama } from '../../test/support/fake-ollama.ts';
import { createTestDatabase } from '../../test/support/postgres-database.ts';
import { REDIS_TEST_URL, testRedisPrefix } from '../../test/support/redis-server.ts';
import { type ServerProcess, startServerProcess } from '../../test/support/server-process.ts';
import { benchDir, markdownTable, publish } from '../lib/report.ts';
import { round } from '../lib/stats.ts';

const run = promisify(execFile);
const tokensPerAnswer = Number(process.env.TOKENS ?? 500);
const levels = (process.env.CONCURRENCY ?? '1,10,100').split(',').map(Number);
const { values: flags } = parseArgs({ options: { workers: { type: 'string' }, nodes: { type: 'string' } }, strict: true });
const list = (text: string | undefined) => (text ? text.split(',').map(Number) : []);
const joinProject = process.env.JOIN_PROJECT !== '0';
const pace = Number(process.env.PACE ?? 0);
const withRelay = process.env.RELAY !== '0';
const warmUp = process.env.WARMUP !== '0';
const profileDir = process.env.PROFILE ? path.resolve(process.env.PROFILE) : undefined;
const nodeArgs = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];

/** One server arrangement under test: N workers behind one port (SQLite), or N processes on their own ports. */
type Setup = { kind: 'workers' | 'nodes'; count: number };
const setups: Setup[] = [
  ...list(flags.workers ?? (flags.nodes ? undefined : (process.env.WORKERS ?? '1'))).map((count) => ({ kind: 'workers' as const, count })),
  ...list(flags.nodes).map((count) => ({ kind: 'nodes' as const, count })),
];
const describeSetup = (setup: Setup) =>
  setup.kind === 'workers'
    ? setup.count === 1
      ? '1 process, SQLite'
      : `${setup.count} workers on one port, SQLite`
    : `${setup.count} process${setup.count === 1 ? '' : 'es'} on own ports, PostgreSQL + Redis`;

const benchEnv = (dataDir: string) => ({
  DATA_DIR: dataDir,
  OLLAMA_HOST: ollama.url,
  LLM_PROVIDER: 'ollama',
  LOG_LEVEL: 'info',
  // The clients are one process reading a thousand sockets: let its queues grow rather than drop it.
  SOCKET_SEND_QUEUE_MAX_PACKETS: '100000',
  SOCKET_SEND_QUEUE_MAX_MB: '256',
});

/** Starts a setup's servers; `stop` ends them and removes what they shared. */
async function startSetup(setup: Setup): Promise<{ servers: ServerProcess[]; stop: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-bench-stream-'));
  const servers: ServerProcess[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.kill('SIGTERM')));
    // BENCH_SERVER_LOG=<file>: the servers' logs, to find out why an answer failed.
    if (process.env.BENCH_SERVER_LOG) fs.appendFileSync(process.env.BENCH_SERVER_LOG, servers.map((server) => server.output()).join('\n'));
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    if (setup.kind === 'workers') {
      servers.push(await startServerProcess({ ...benchEnv(dataDir), WORKERS: String(setup.count) }, { startTimeoutMs: 120_000, nodeArgs }));
    } else {
      const database = await createTestDatabase('bench_stream');
      cleanups.push(database.drop);
      const redis = testRedisPrefix('bench-stream');
      cleanups.push(redis.drop);
      const env = { ...benchEnv(dataDir), DATABASE_URL: database.url, REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: redis.prefix };
      // One after the other: the first runs the migrations.
      for (let index = 0; index < setup.count; index += 1)
        servers.push(await startServerProcess(env, { startTimeoutMs: 120_000, nodeArgs }));
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, stop };
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
async function measure(urls: string[], pids: number[], chatIds: number[], projectId: number) {
  const cpuOf = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const cpuBefore = cpuOf();
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', path.join(benchDir, 'stream/clients.ts'), urls.join(','), chatIds.join(','), String(joinProject ? projectId : 0)],
    { maxBuffer: 1 << 24 },
  );
  const measured = JSON.parse(stdout);
  const cpu = cpuOf() - cpuBefore;
  return { ...measured, serverCpuSeconds: round(cpu, 2), serverCpuUsPerToken: round((cpu * 1e6) / Math.max(1, measured.tokens), 1) };
}

const ollama = new FakeOllama();
ollama.defaultScript = { tokenCount: tokensPerAnswer, stampTokens: true, ...(pace > 0 ? { tokenDelayMs: 1000 / pace } : {}) };
// Idle connections stay open for the run: at Node's 5 s, servers stalled by the load most likely
// reused pooled connections just as the fake closed them (11–46 answers of 1,000 at two workers
// failed with llm_unavailable, "connection reset").
ollama.keepAliveTimeoutMs = 600_000;
await ollama.start();
const relay = withRelay ? await startRelay(ollama.url) : undefined;
const rows: Array<Record<string, string | number>> = [];
const results: unknown[] = [];

for (const setup of setups) {
  const { servers, stop } = await startSetup(setup);
  const [first] = servers as [ServerProcess];

  async function post(urlPath: string, body: unknown): Promise<any> {
    const response = await fetch(`${first.url}${urlPath}`, {
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
      const serversRss = () => servers.reduce((sum, server) => sum + rssMb(server.child.pid!), 0);
      let peakRss = serversRss();
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, serversRss());
      }, 50);
      const chatIds = chats.map((chat) => chat.id);
      // One answer first, unmeasured, on server and relay alike: what runs once per process (the
      // full-text reader worker's start, compiling the hot functions) is not a cost per token.
      if (warmUp) {
        const warmChat = await post('/api/chats', { project_id: project.id });
        await measure(
          servers.map((server) => server.url),
          servers.map((server) => server.child.pid!),
          [warmChat.id],
          project.id,
        );
        if (relay) await measure([relay.url], [relay.pid], [warmChat.id], project.id);
      }
      const load = os.loadavg()[0]!.toFixed(1);
      const measured = await measure(
        servers.map((server) => server.url),
        servers.map((server) => server.child.pid!),
        chatIds,
        project.id,
      );
      clearInterval(sampler);
      results.push({
        ...setup,
        concurrency,
        tokensPerAnswer,
        pace,
        joinProject,
        loadAverage1m: Number(load),
        ...measured,
        serverRssMb: peakRss,
      });
      const reference = relay ? await measure([relay.url], [relay.pid], chatIds, project.id) : undefined;
      if (reference) results.push({ server: 'bare relay', concurrency, tokensPerAnswer, pace, joinProject, ...reference });
      for (const [name, row] of [['server', measured], ...(reference ? [['bare relay', reference]] : [])] as const)
        rows.push({
          servers: name === 'server' ? describeSetup(setup) : 'bare Socket.IO relay',
          chats: concurrency,
          'tokens delivered': row.tokens,
          'tokens/s': row.tokensPerSecond,
          'server CPU µs/token': row.serverCpuUsPerToken,
          'added latency p50 / p99 (ms)': `${row.latencyP50} / ${row.latencyP99}`,
          'first token p50 / p99 (ms)': `${row.firstTokenP50} / ${row.firstTokenP99}`,
          'ping RTT p50 / p99 (ms)': `${row.pingP50} / ${row.pingP99}`,
          'server RSS peak (MB)': name === 'server' ? peakRss : '',
          'client loop delay p99 / max (ms)': `${row.clientLoopDelayP99} / ${row.clientLoopDelayMax}`,
          errors:
            row.errors === 0
              ? 0
              : `${row.errors} (${Object.entries(row.failures as Record<string, number>)
                  .map(([reason, count]) => `${reason} ${count}`)
                  .join(', ')})`,
          'load (1 min)': load,
        });
    }
  } finally {
    await stop();
  }
}
await relay?.stop();
await ollama.stop();

const table = markdownTable(rows);
// The worker comparison is its own section and result file; the 1/10/100 one-process run keeps its own.
publish(
  flags.nodes ? 'stream-nodes' : flags.workers ? 'stream-workers' : 'stream',
  { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results },
  `## bench:stream\n\n${levels.join(', ')} concurrent chats (servers: ${setups.map(describeSetup).join('; ')}), ${tokensPerAnswer} tokens each from the fake Ollama ${pace > 0 ? `paced at ${pace} tokens/s per chat` : 'at full speed'}; ` +
    `server and clients in separate processes on this ${os.cpus().length}-core machine; ${joinProject ? 'every socket joined the project room first (as the web app does)' : 'no socket joined the project room'}${relay ? '; the bare Socket.IO relay (bench/stream/bare-relay.ts) ran with the same clients' : ''}. ` +
    `"Added latency" = fake-Ollama emit → client receive (through the server). Command: \`npm run bench:stream -- ${process.argv.slice(2).join(' ')}\` (CONCURRENCY=${levels.join(',')}).\n\n${table}`,
);
