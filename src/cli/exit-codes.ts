/** What `daa` exits with; `daa --help` lists them (keep the two in step). */
export const ExitCode = {
  /** Everything asked for was done. */
  ok: 0,
  /** The command ran and something failed: a document, the answer, or an error such as an unknown project. */
  failed: 1,
  /** The command line itself is wrong, or asks for something not supported yet. */
  usage: 2,
  /** Ctrl-C: a stopped answer is saved as stopped; queued documents stay queued. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `
Exit codes:
  0    done (every document completed, duplicates and skipped files included; the answer complete)
  1    something failed: a document failed, the answer failed, or an error (unknown project,
       unreadable file, server unreachable); the reason is printed
  2    wrong usage (unknown option, missing argument) or a feature not supported yet (--workers > 1)
  130  interrupted with Ctrl-C (ask keeps the partial answer, saved as stopped)`;
