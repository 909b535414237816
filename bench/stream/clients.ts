/**
 * The client side of bench:stream, in its own process: C sockets, one chat each, all asking at once.
 * Measures what a user sees: time to first token, per-token latency from the fake Ollama's emit
 * stamp to arrival here, delivered tokens per second, and ping round trips while streaming.
 * Several server URLs (comma-separated, one per node) spread the sockets over them in turn.
 * Every answer that ends without `message_complete` is counted under its reason (the `error`
 * code, or the disconnect reason), so a failure says where it came from.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { percentile, round } from '../lib/stats.ts';

const [urlsArgument, chatIdsArgument, projectArgument] = process.argv.slice(2);
const urls = urlsArgument!.split(',');
/** Each socket first joins the project room, as the web app's pages do (0: none joins). */
const projectId = Number(projectArgument ?? 0);
const chatIds = chatIdsArgument!.split(',').map(Number);
const now = () => performance.timeOrigin + performance.now();

function open(url: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

// Connected CONNECT_BATCH (50) at a time: a thousand handshakes at once measure the handshake, and
// on a loaded machine some passed socket.io-client's 20 s connect timeout, which ended the whole run.
const batch = Number(process.env.CONNECT_BATCH ?? 50);
const sockets: Socket[] = [];
for (let index = 0; index < chatIds.length; index += batch) {
  sockets.push(...(await Promise.all(chatIds.slice(index, index + batch).map((_, offset) => open(urls[(index + offset) % urls.length]!)))));
}
if (projectId > 0) {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.once('project_joined', () => resolve());
          socket.emit('join_project', { project_id: projectId });
        }),
    ),
  );
}
const pinger = await open(urls[0]!);
const latencies: number[] = [];
const firstTokenDelays: number[] = [];
const pings: number[] = [];
let tokens = 0;
let errors = 0;
const failures: Record<string, number> = {};
const fail = (reason: string) => {
  errors += 1;
  failures[reason] = (failures[reason] ?? 0) + 1;
};

let pinging = true;
const pingLoop = (async () => {
  while (pinging && pinger.connected) {
    const sent = now();
    // A pinger the server dropped ends the pings (its round trips so far stand) instead of hanging.
    const answered = await new Promise<boolean>((resolve) => {
      pinger.once('disconnect', () => resolve(false));
      pinger.once('pong', () => resolve(true)).emit('ping', {});
    });
    pinger.removeAllListeners('disconnect');
    if (!answered) break;
    pings.push(now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();

// This process's own event-loop delay: one process reading every socket can itself fall behind, and
// then even the server's heartbeats reach it late.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const started = now();
let resumes = 0;
const MAX_RESUMES = 3;
const ANSWER_DEADLINE_SECONDS = Number(process.env.ANSWER_DEADLINE_SECONDS ?? 300);

/**
 * One chat's answer, followed as the web app follows it: a dropped connection (the heartbeat of a
 * client that fell behind, a send queue that overflowed) reconnects and resumes after the last seq
 * seen, so only answers the user would not get count as failures.
 */
function follow(initial: Socket, chatId: number, url: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const sentAt = now();
    let first = true;
    let finished = false;
    let lastSeq = 0;
    let attempts = 0;
    const finish = (failure?: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(deadline);
      if (failure) fail(failure);
      resolve();
    };
    // An answer that neither ends nor drops its socket would hold the whole run (one did, at 1,000
    // chats on two workers): past the deadline it counts as failed, with where it stood.
    const deadline = setTimeout(
      () => finish(`no end within ${ANSWER_DEADLINE_SECONDS} s (${lastSeq > 0 ? 'mid-answer' : 'no token'}, ${attempts} resumes)`),
      ANSWER_DEADLINE_SECONDS * 1000,
    );
    const attach = (socket: Socket) => {
      socket.on('message_token', (data: { token: string; seq: number }) => {
        // A resume replays from `after_seq`; anything at or below it was counted already.
        if (data.seq <= lastSeq) return;
        lastSeq = data.seq;
        const arrived = now();
        if (first) {
          firstTokenDelays.push(arrived - sentAt);
          first = false;
        }
        // One event may carry several upstream tokens (one network read): count and time each.
        for (const stamp of data.token.matchAll(/@([\d.]+)/g)) {
          tokens += 1;
          latencies.push(arrived - Number(stamp[1]));
        }
      });
      socket.on('message_complete', (data: { metadata?: { status?: string } }) => {
        // An answer saved as failed or interrupted is an answer the user did not get.
        finish(data.metadata?.status === 'complete' ? undefined : `complete:${data.metadata?.status ?? 'unknown'}`);
      });
      socket.on('error', (error: { code?: string; message?: string }) => {
        // An upstream failure ends its message with the reason ("… at http://…: connection reset").
        const reason = error?.code?.startsWith('llm_') ? ` (${error.message?.split(': ').pop()})` : '';
        finish(`error:${error?.code ?? 'unknown'}${reason}`);
      });
      socket.on('disconnect', (reason: string) => {
        if (finished) return;
        if (attempts >= MAX_RESUMES) return finish(`disconnect:${reason}`);
        attempts += 1;
        resumes += 1;
        open(url).then(
          (next) => {
            sockets.push(next);
            attach(next);
            next.emit('resume_message', { chat_id: chatId, after_seq: lastSeq });
          },
          () => finish(`disconnect:${reason} (reconnect failed)`),
        );
      });
    };
    attach(initial);
    initial.emit('send_message', { chat_id: chatId, message: 'benchmark question' });
  });
}

await Promise.all(sockets.slice().map((socket, index) => follow(socket, chatIds[index]!, urls[index % urls.length]!)));
const elapsedSeconds = (now() - started) / 1000;
pinging = false;
await pingLoop;
for (const socket of [...sockets, pinger]) socket.disconnect();

process.stdout.write(
  `${JSON.stringify({
    tokens,
    errors,
    failures,
    resumes,
    seconds: round(elapsedSeconds, 3),
    tokensPerSecond: round(tokens / elapsedSeconds, 0),
    latencyP50: round(percentile(latencies, 50)),
    latencyP99: round(percentile(latencies, 99)),
    firstTokenP50: round(percentile(firstTokenDelays, 50)),
    firstTokenP99: round(percentile(firstTokenDelays, 99)),
    pingP50: round(percentile(pings, 50)),
    pingP99: round(percentile(pings, 99)),
    pings: pings.length,
    clientLoopDelayP99: round(loopDelay.percentile(99) / 1e6),
    clientLoopDelayMax: round(loopDelay.max / 1e6),
  })}\n`,
);
process.exit(0);
