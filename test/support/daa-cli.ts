import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The real `daa` binary, as package.json's `bin` names it. */
export const DAA_BIN = path.join(repositoryRoot, 'bin', 'daa.mjs');

export interface DaaRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout has printed text matching `pattern`. */
  waitForStdout(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts `daa ARGS` as a child process with only the given variables on top of a clean environment
 * (no DATA_DIR, DAA_URL or tokens leak in from the test's own). stdout is a pipe, so not a TTY.
 */
export function spawnDaa(args: string[], options: { env: Record<string, string>; cwd?: string }): DaaRun {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(DATA_DIR|DAA_URL|DAA_TOKEN|API_TOKEN|PORT|HOST|OLLAMA_|OPENAI_|LLM_|EMBEDDING_)/.test(key),
    ),
  );
  const child = spawn(process.execPath, [DAA_BIN, ...args], {
    cwd: options.cwd ?? repositoryRoot,
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const stdoutListeners = new Set<() => void>();
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    for (const listener of stdoutListeners) listener();
  });
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStdout(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stdout)) return;
          clearTimeout(timer);
          stdoutListeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          stdoutListeners.delete(check);
          reject(new Error(`daa did not print ${pattern} within ${timeoutMs} ms; stdout: ${stdout}\nstderr: ${stderr}`));
        }, timeoutMs);
        stdoutListeners.add(check);
        check();
        void exited.then(() => {
          if (stdoutListeners.has(check)) {
            clearTimeout(timer);
            stdoutListeners.delete(check);
            reject(new Error(`daa exited before printing ${pattern}; stdout: ${stdout}\nstderr: ${stderr}`));
          }
        });
      });
    },
  };
}

/** Runs `daa ARGS` to the end. */
export async function runDaa(
  args: string[],
  options: { env: Record<string, string>; cwd?: string },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = spawnDaa(args, options);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
