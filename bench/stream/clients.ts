/**
 * The client side of bench:stream, in its own process: C sockets, one chat each, all asking at once.
 * Measures what a user sees: time to first token, per-token latency from the fake Ollama's emit
 * stamp to arrival here, delivered tokens per second, and ping round trips while streaming.
 */
import { io, type Socket } from 'socket.io-client';
import { percentile, round } from '../lib/stats.ts';

const [url, chatIdsArgument, projectArgument] = process.argv.slice(2);
/** Each socket first joins the project room, as the web app's pages do (0: none joins). */
const projectId = Number(projectArgument ?? 0);
const chatIds = chatIdsArgument!.split(',').map(Number);
const now = () => performance.timeOrigin + performance.now();

function open(): Promise<Socket> {
  const socket = io(url!, { transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const sockets = await Promise.all(chatIds.map(() => open()));
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
const pinger = await open();
const latencies: number[] = [];
const firstTokenDelays: number[] = [];
const pings: number[] = [];
let tokens = 0;
let errors = 0;

let pinging = true;
const pingLoop = (async () => {
  while (pinging) {
    const sent = now();
    await new Promise<void>((resolve) => pinger.once('pong', () => resolve()).emit('ping', {}));
    pings.push(now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
})();

const started = now();
await Promise.all(
  sockets.map(
    (socket, index) =>
      new Promise<void>((resolve) => {
        const sentAt = now();
        let first = true;
        let finished = false;
        socket.on('message_token', (data: { token: string }) => {
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
        socket.on('message_complete', () => {
          finished = true;
          resolve();
        });
        socket.on('error', () => {
          errors += 1;
          resolve();
        });
        // A socket the server dropped (its send queue overflowed) counts as an error, not a hang.
        socket.on('disconnect', () => {
          if (finished) return;
          errors += 1;
          resolve();
        });
        socket.emit('send_message', { chat_id: chatIds[index], message: 'benchmark question' });
      }),
  ),
);
const elapsedSeconds = (now() - started) / 1000;
pinging = false;
await pingLoop;
for (const socket of [...sockets, pinger]) socket.disconnect();

process.stdout.write(
  `${JSON.stringify({
    tokens,
    errors,
    seconds: round(elapsedSeconds, 3),
    tokensPerSecond: round(tokens / elapsedSeconds, 0),
    latencyP50: round(percentile(latencies, 50)),
    latencyP99: round(percentile(latencies, 99)),
    firstTokenP50: round(percentile(firstTokenDelays, 50)),
    firstTokenP99: round(percentile(firstTokenDelays, 99)),
    pingP50: round(percentile(pings, 50)),
    pingP99: round(percentile(pings, 99)),
    pings: pings.length,
  })}\n`,
);
process.exit(0);
