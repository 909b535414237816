import fs from 'node:fs';
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { AccessPolicy } from '../../server/access/access-policy.ts';
import { LOCAL_ACTOR } from '../../server/access/actor.ts';
import { AccountService } from '../../server/accounts/account-service.ts';
import { loadConfig } from '../../server/config.ts';
import { DomainEvents } from '../../server/events/domain-events.ts';
import { openStore } from '../../server/store/open-store.ts';
import { CliError } from '../cli-error.ts';
import { parseOptions } from '../command-options.ts';
import { ExitCode } from '../exit-codes.ts';

const UsersAddArguments = z.object({
  email: z.string().trim().email('the email is not an email address'),
  admin: z.boolean().default(false),
  name: z.string().trim().min(1).max(200).optional(),
  passwordStdin: z.boolean().default(false),
});
const Password = z.string().min(8, 'the password must be at least 8 characters').max(1024, 'the password is too long');

/**
 * `daa users add <email> [--admin] [--name N] [--password-stdin]`: a user in this data dir's
 * database, or in PostgreSQL when DATABASE_URL is set (a running server sees it at once). The password is asked twice on a terminal,
 * without echo; scripts pipe it with --password-stdin. It is never printed or logged.
 */
export async function usersAddCommand(email: string, raw: Record<string, unknown>): Promise<ExitCode> {
  const options = parseOptions(UsersAddArguments, { ...raw, email });
  const password = parseOptions(z.object({ password: Password }), { password: await readPassword(options.passwordStdin) }).password;
  const config = loadConfig();
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  const store = await openStore(config);
  try {
    const accounts = new AccountService({ store, access: new AccessPolicy({ store }), events: new DomainEvents(), sessionTtlMs: 0 });
    // The command line runs as the machine's own user, who may manage accounts.
    const user = await accounts.createUser(LOCAL_ACTOR, {
      email: options.email,
      password,
      name: options.name ?? null,
      role: options.admin ? 'admin' : 'user',
    });
    process.stdout.write(`Added ${user.role === 'admin' ? 'administrator' : 'user'} ${user.email} (id ${user.id})\n`);
    if (config.AUTH_MODE !== 'accounts') process.stdout.write('Accounts are off: start the server with AUTH_MODE=accounts to use them\n');
    return ExitCode.ok;
  } finally {
    await store.close();
  }
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  if (!process.stdin.isTTY) throw new CliError('No terminal to ask for the password: pipe it with --password-stdin', ExitCode.usage);
  const first = await askHidden('Password: ');
  const second = await askHidden('Password again: ');
  if (first !== second) throw new CliError('The two passwords differ', ExitCode.usage);
  return first;
}

/** One line from the terminal with the typed characters not echoed. */
function askHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const lines = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) => {
    lines.question('', (answer) => {
      lines.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
