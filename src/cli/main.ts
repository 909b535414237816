import { Command, CommanderError, Option } from 'commander';
import { describeError, exitCodeOf } from './cli-error.ts';
import { GlobalOptions, parseOptions } from './command-options.ts';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes.ts';

const ENVIRONMENT_HELP = `
Where the work happens:
  --url / DAA_URL given     the server at that URL (REST + Socket.IO; the web app sees changes live)
  a server runs on DATA_DIR that server (found through DATA_DIR/server.json)
  otherwise                 DATA_DIR itself (default ./data), opened directly; ingest then processes
                            the documents itself before it exits

Environment:
  DATA_DIR                  the data dir (as for the server)
  DAA_URL                   a server to talk to, like --url
  DAA_TOKEN (or API_TOKEN)  the server's API token, when it has one
  Every server setting (OLLAMA_HOST, LLM_PROVIDER, ...) applies when DATA_DIR is opened directly.`;

const EXAMPLES_HELP = `
Examples:
  daa ingest ./handbook ./notes/faq.md --project Handbook
  daa ask "How many vacation days do I get?" --project Handbook
  daa ask "And in the first year?" --project Handbook --chat 3 --json
  daa serve --port 8000`;

/** The `daa` command: parses the command line, runs one command, exits with its code. */
function buildProgram(run: (action: () => Promise<ExitCode | void>) => Promise<void>): Command {
  const program = new Command('daa')
    .description('DAA Chatbot on the command line: ingest documents into a project, ask questions, run the server.')
    .option('--url <url>', 'talk to the server at this URL (default: $DAA_URL, else the server running on DATA_DIR)')
    .option('--verbose', 'show more on errors (causes and stack traces) and the log on stderr')
    .showHelpAfterError('(run daa --help for usage)')
    .addHelpText('after', `${ENVIRONMENT_HELP}\n${EXIT_CODES_HELP}\n${EXAMPLES_HELP}`)
    .exitOverride();
  const globals = (command: Command) => parseOptions(GlobalOptions, command.optsWithGlobals());

  program
    .command('serve')
    .description('run the server (the same as npm start): web app, REST API and Socket.IO on one port')
    .option('--host <host>', 'interface to listen on (overrides HOST)')
    .option('--port <port>', 'port to listen on, 0 for any free one (overrides PORT)')
    .addOption(
      new Option('--workers <n>', 'server processes; only 1 is supported until scale-out lands (more exits with code 2)').default('1'),
    )
    .action((options) => run(() => import('./commands/serve-command.ts').then(({ serveCommand }) => serveCommand(options))));

  program
    .command('ingest')
    .description('add files and folders (walked recursively) to a project, created when the name is new')
    .argument('<paths...>', 'files or folders; unsupported files are listed as skipped')
    .requiredOption('--project <name|id>', 'the project')
    .addHelpText(
      'after',
      '\nShows a progress bar per document on a terminal and one line per document otherwise. Exits 0 when\nevery document completed (duplicates of documents already in the project are reported, not failures),\n1 when any failed (each failure is printed with its reason).',
    )
    .action((paths: string[], options, command: Command) =>
      run(() => import('./commands/ingest-command.ts').then(({ ingestCommand }) => ingestCommand(paths, options, globals(command)))),
    );

  program
    .command('ask')
    .description("ask a question about a project's documents; the answer streams, then its numbered sources")
    .argument('<question>', 'the question (quote it)')
    .requiredOption('--project <name|id>', 'the project')
    .option('--chat <id>', 'continue this chat (default: a new chat)')
    .option('--json', 'print one JSON object {answer, sources, model, chat_id, message_id, status} instead')
    .addHelpText('after', '\nCtrl-C stops the answer upstream; the partial answer is kept, saved as stopped (exit code 130).')
    .action((question: string, options, command: Command) =>
      run(() => import('./commands/ask-command.ts').then(({ askCommand }) => askCommand(question, options, globals(command)))),
    );

  program
    .command('export')
    .description('write a project (documents, chunks, vectors, chats) to one archive file')
    .requiredOption('--project <name|id>', 'the project')
    .requiredOption('--output <file>', 'the archive to write')
    .action((options, command: Command) =>
      run(() => import('./commands/export-command.ts').then(({ exportCommand }) => exportCommand(options, globals(command)))),
    );

  program
    .command('import')
    .description('create a new project from an archive written by daa export')
    .argument('<file>', 'the archive')
    .option('--name <name>', "the new project's name (default: the exported name, changed when it clashes)")
    .action((file: string, options, command: Command) =>
      run(() => import('./commands/import-command.ts').then(({ importCommand }) => importCommand(file, options, globals(command)))),
    );

  const users = program.command('users').description('Manage accounts (AUTH_MODE=accounts) in this data dir.');
  users
    .command('add')
    .description('Add a user; asks for the password on a terminal (or reads it with --password-stdin).')
    .argument('<email>', 'the email the user signs in with')
    .option('--admin', 'make the user an administrator', false)
    .option('--name <name>', 'the name shown in the app')
    .option('--password-stdin', 'read the password from standard input (for scripts)', false)
    .action((email: string, options) =>
      run(() => import('./commands/users-add-command.ts').then(({ usersAddCommand }) => usersAddCommand(email, options))),
    );
  users.exitOverride();

  for (const command of program.commands) command.exitOverride();
  return program;
}

async function main(argv: string[]): Promise<void> {
  const verbose = argv.includes('--verbose');
  let serving = false;
  const program = buildProgram(async (action) => {
    const code = await action();
    // `serve` returns once listening and keeps running until a signal.
    if (code === undefined) serving = true;
    else process.exitCode = code;
  });
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message (or the help) already.
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    } else {
      process.stderr.write(`daa: ${describeError(error, { verbose })}\n`);
      process.exitCode = exitCodeOf(error);
    }
  }
  // Sockets and timers of a finished command must not keep it alive.
  if (!serving) process.exit();
}

await main(process.argv);
