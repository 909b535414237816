import { ExitCode } from './exit-codes.ts';

/**
 * Ctrl-C as an AbortSignal: the first SIGINT asks the command to stop cleanly (stop the answer
 * upstream, keep what it has); a second one exits at once.
 */
export function onInterrupt(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}
