// Plain JavaScript on purpose: Node (and vitest, which only transforms the main thread) cannot load a
// TypeScript file as a worker. It registers tsx's loader in this thread, then imports the TS entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entryUrl);
