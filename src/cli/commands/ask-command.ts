import { formatSources, toJsonSource } from '../ask/format-sources.ts';
import type { AskResult } from '../backend/backend.ts';
import { openBackend } from '../backend/open-backend.ts';
import { CliError } from '../cli-error.ts';
import { AskArguments, type GlobalOptions, parseOptions } from '../command-options.ts';
import { ExitCode } from '../exit-codes.ts';
import { onInterrupt } from '../interrupt.ts';
import { resolveProject } from '../resolve-project.ts';

/**
 * `daa ask "<question>" --project <name|id> [--chat <id>] [--json]`: streams the answer as it is
 * generated, then the numbered sources. The question and answer are saved in a chat (a new one unless
 * `--chat`). Ctrl-C stops the generation upstream; the partial answer is kept, saved as stopped.
 */
export async function askCommand(question: string, raw: object, globals: GlobalOptions): Promise<ExitCode> {
  const options = parseOptions(AskArguments, { ...raw, question });
  const backend = await openBackend({ url: globals.url, needsJobLoop: false, verbose: globals.verbose });
  const output = process.stdout;
  let streamed = false;
  try {
    const { project } = await resolveProject(backend, options.project, { create: false });
    const interrupt = onInterrupt();
    let result: AskResult;
    try {
      result = await backend.ask({
        project,
        chatId: options.chat,
        question: options.question,
        signal: interrupt.signal,
        onToken: (text) => {
          if (options.json) return;
          streamed = true;
          output.write(text);
        },
      });
    } finally {
      interrupt.dispose();
    }

    if (options.json) {
      output.write(
        `${JSON.stringify({
          answer: result.answer,
          sources: result.sources.map(toJsonSource),
          model: result.model,
          chat_id: result.chatId,
          message_id: result.messageId,
          status: result.status,
        })}\n`,
      );
    } else {
      if (streamed) output.write('\n');
      if (result.sources.length > 0) output.write(`\nSources:\n${formatSources(result.sources)}\n`);
    }
    switch (result.status) {
      case 'complete':
        process.stderr.write(`Saved in chat ${result.chatId}; ask a follow-up there with --chat ${result.chatId}.\n`);
        return ExitCode.ok;
      case 'stopped':
        process.stderr.write(`Stopped: the partial answer is saved in chat ${result.chatId}.\n`);
        return ExitCode.interrupted;
      case 'interrupted':
        throw new CliError(`The answer was cut short by the server (it shut down); the partial answer is saved in chat ${result.chatId}`);
    }
  } catch (error) {
    // The partial answer stays on its own line above the error.
    if (streamed) output.write('\n');
    throw error;
  } finally {
    await backend.close();
  }
}
