import type { ClusterTransport } from '../cluster/cluster-transport.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { type GenerationEvent, isTerminal } from './generation-event.ts';
import { answerKeys, eventFromLog } from './shared-answer-log.ts';

/**
 * Ends the answers whose process died: a `streaming` message whose chat lease nobody holds is an
 * orphan (a live owner holds its lease until after the final save). It is marked interrupted,
 * fenced on `status = 'streaming'` so two sweepers never both end it, and a final `done` goes into
 * its log so readers on other processes see it end. Other processes' live answers are untouched.
 */
export async function sweepOrphanAnswers(options: { store: Store; transport: ClusterTransport; logger: Logger }): Promise<number> {
  const { store, transport, logger } = options;
  let ended = 0;
  for (const { id, chatId } of await store.messages.listStreaming()) {
    if (await transport.holder(answerKeys.lease(chatId))) continue;
    if (!(await store.messages.interruptIfStreaming(id))) continue;
    ended += 1;
    const entries = (await transport.readLog(answerKeys.log(chatId), 1)).map(eventFromLog);
    const last = entries.at(-1);
    if (!last || isTerminal(last)) continue;
    const message = await store.messages.findById(id);
    let tokens = 0;
    let sourcesCount = 0;
    for (const event of entries) {
      if (event.type === 'token' && event.messageId === id) tokens = event.seq;
      if (event.type === 'sources') sourcesCount = event.sources.length;
    }
    const done: GenerationEvent = {
      type: 'done',
      chatId,
      messageId: id,
      model: message?.modelName ?? '',
      sourcesCount,
      status: 'interrupted',
      tokens,
    };
    transport.appendLog(answerKeys.log(chatId), done);
    transport.publish(answerKeys.appended(chatId), 1);
  }
  if (ended > 0) logger.warn({ interrupted: ended }, 'answers of a stopped process were marked interrupted');
  return ended;
}
