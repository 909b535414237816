import { AppError } from '../server/errors.ts';
import { ExitCode } from './exit-codes.ts';

/** An error the command line reports as one sentence on stderr, with the exit code it names. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failed,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/**
 * The sentence shown for an error. Without `verbose`, never a stack trace: expected errors say what
 * went wrong, anything else says it was unexpected. With `verbose`, the stack and the causes follow.
 */
export function describeError(error: unknown, options: { verbose: boolean }): string {
  const sentence = asSentence(headline(error));
  if (!options.verbose) return sentence;
  const details: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    if (current instanceof Error) details.push(current.stack ?? `${current.name}: ${current.message}`);
    else details.push(String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return `${sentence}\n\n${details.join('\n\ncaused by: ')}`;
}

export function exitCodeOf(error: unknown): ExitCode {
  return error instanceof CliError ? error.exitCode : ExitCode.failed;
}

function headline(error: unknown): string {
  if (error instanceof CliError) return error.message;
  if (error instanceof AppError && error.expose) return error.message;
  if (error instanceof Error && error.message.startsWith('Invalid configuration')) {
    return error.message.replace(/:\n\s*/, ': ').replace(/\n\s*/g, '; ');
  }
  if (error instanceof Error && error.name === 'DataDirInUseError') return error.message;
  const message = error instanceof Error ? error.message : String(error);
  return `Unexpected error: ${message.split('\n')[0]} (run again with --verbose for details)`;
}

function asSentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?)]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
