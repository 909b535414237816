import { SerialByKey } from '../../concurrency/serial-by-key.ts';
import type { ConnectionState } from '../connection-registry.ts';

/**
 * Room changes of one connection (project and chat rooms), in the order they arrived. Run side by
 * side, two joins sent back to back would each read "no previous room" while the other awaited, and
 * the socket would stay in both.
 */
const roomChanges = new SerialByKey<ConnectionState>();
export function inArrivalOrder(connection: ConnectionState, change: () => Promise<void>): Promise<void> {
  return roomChanges.run(connection, change);
}
