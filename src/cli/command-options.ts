import { z } from 'zod';
import { MAX_MESSAGE_CHARS } from '../protocol/limits.ts';
import { CliError } from './cli-error.ts';
import { ExitCode } from './exit-codes.ts';

/** Options every command takes (commander hands them to each action with the command's own). */
export const GlobalOptions = z.object({
  url: z.string().min(1).optional(),
  verbose: z.boolean().default(false),
});
export type GlobalOptions = z.infer<typeof GlobalOptions>;

const ProjectOption = z.string().trim().min(1, '--project needs a project name or id').max(255, '--project is at most 255 characters');
const Port = z
  .string()
  .regex(/^\d{1,5}$/, '--port must be a number from 0 to 65535')
  .refine((value) => Number(value) <= 65_535, '--port must be a number from 0 to 65535');

export const ServeOptions = z.object({
  host: z.string().min(1).optional(),
  port: Port.optional(),
  workers: z.coerce
    .number({ message: '--workers must be a whole number of at least 1' })
    .int('--workers must be a whole number of at least 1')
    .min(1, '--workers must be a whole number of at least 1')
    .default(1),
});

export const IngestOptions = z.object({ project: ProjectOption });

export const AskArguments = z.object({
  question: z
    .string()
    .trim()
    .min(1, 'the question is empty')
    .max(MAX_MESSAGE_CHARS, `the question is longer than ${MAX_MESSAGE_CHARS} characters`),
  project: ProjectOption,
  chat: z.string().regex(/^\d+$/, '--chat must be a chat id (a number)').transform(Number).optional(),
  json: z.boolean().default(false),
});

export const ExportOptions = z.object({ project: ProjectOption, output: z.string().min(1, '--output needs a file name') });

export const ImportOptions = z.object({
  name: z.string().trim().min(1, '--name must not be empty').max(255, '--name is at most 255 characters').optional(),
});

/** Parses a command's arguments; a bad one is a usage error (exit 2) in one sentence. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, raw: unknown): z.infer<Schema> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new CliError(issue ? `Invalid argument: ${issue.message}` : 'Invalid arguments', ExitCode.usage);
}
