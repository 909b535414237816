import type { AbuseLimits } from '../access/abuse-limits.ts';
import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import { AppError, BusyError, InternalError, NotFoundError, ValidationError } from '../errors.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { ChatPart } from '../llm/chat-model.ts';
import type { ChatModelResolver } from '../llm/chat-model-resolver.ts';
import type { Logger } from '../logger.ts';
import type { AnswerMetrics } from './answer-metrics.ts';
import type { RelevanceBaselines } from '../search/relevance-baseline.ts';
import type { Retriever } from '../search/retriever.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { RetrievalOutcome } from '../search/retriever.ts';
import { EXTRACTIVE_MODEL } from '../settings/settings-service.ts';
import type { ChatRecord, MessageFeedback, MessageRecord, Store } from '../store/store.ts';
import { answerTokenCap, CHARACTERS_PER_TOKEN, estimateTokens, type TruncationReason, truncationNote } from './answer-limits.ts';
import { DEFAULT_CHAT_TITLE, titleFromMessage } from './chat-title.ts';
import { TextDeltaCoalescer } from './text-delta-coalescer.ts';
import type { Generation } from './generation.ts';
import type { RunningAnswers } from './running-answers.ts';
import { type GenerationRequest, resolveGenerationSettings } from './generation-settings.ts';
import { documentsCover } from './documents-coverage.ts';
import { activePath, ancestorsOf, questionOf } from './message-tree.ts';
import { selectHistory } from './history.ts';
import { buildPromptMessages } from './prompt.ts';
import { chatSearchSnippet } from './chat-snippet.ts';

export interface ChatServiceDependencies {
  store: Store;
  access: AccessPolicy;
  /** Read at every answer, so a changed setting applies to the very next one. */
  settings: Pick<SettingsService, 'effective'>;
  retriever: Retriever;
  /** The vector relevance floor of `documents_only`, relative to each index's baseline; without it, a fixed cosine floor. */
  relevance?: Pick<RelevanceBaselines, 'floorFor'>;
  models: ChatModelResolver;
  /** Running answers: this process only, or shared by a cluster. */
  generations: RunningAnswers;
  events: DomainEvents;
  logger: Logger;
  /** Longest an answer may generate (ms), whatever the model does; past it the answer is saved as truncated. */
  answerMaxMs?: number;
  /** Messages per user per minute (RATE_LIMIT_MESSAGES_PER_MINUTE). */
  limits?: Pick<AbuseLimits, 'consumeMessage'>;
  /** Retrieval and first-token latency, tokens streamed (`/metrics`). */
  metrics?: AnswerMetrics;
}

/** Default of `answerMaxMs` (`ANSWER_MAX_SECONDS`). */
const DEFAULT_ANSWER_MAX_MS = 900_000;

/** How often a streaming answer's partial text is written to the database. */
const FLUSH_INTERVAL_MS = 1_000;

/**
 * Chats and the send-message flow, free of any transport. `sendMessage` follows the seed's order:
 * save the question, `received`, retrieve, `sources`, tokens, save the answer, `done`.
 */
export class ChatService {
  constructor(private readonly deps: ChatServiceDependencies) {}

  /** Any member may chat (viewers included); the chat is private to its creator. */
  async createChat(actor: Actor, input: { projectId: number; title?: string }): Promise<ChatRecord> {
    await this.deps.access.requireProject(actor, input.projectId, 'read');
    const chat = await this.deps.store.chats.create({
      projectId: input.projectId,
      createdBy: actor.kind === 'user' ? actor.userId : null,
      title: input.title ?? DEFAULT_CHAT_TITLE,
      titleIsCustom: input.title !== undefined && input.title !== DEFAULT_CHAT_TITLE,
    });
    this.deps.events.publish({
      type: 'chatCreated',
      projectId: chat.projectId,
      chatId: chat.id,
      ownerId: chat.createdBy,
      title: chat.title,
    });
    return chat;
  }

  /** The chats of a project the actor may see (its own, with accounts). */
  async listChats(actor: Actor, input: { projectId: number; skip: number; limit: number }): Promise<ChatRecord[]> {
    const { access, store } = this.deps;
    await access.requireProject(actor, input.projectId, 'read');
    return store.chats.listByProject({ ...input, ...access.chatListScope(actor) });
  }

  /** Chats whose title or messages match, newest first, each with the snippet of its newest matching message. */
  async searchChats(
    actor: Actor,
    input: { projectId: number; query: string; limit: number },
  ): Promise<Array<ChatRecord & { snippet: string | null }>> {
    const { access, store } = this.deps;
    await access.requireProject(actor, input.projectId, 'read');
    const hits = await store.chats.search({ ...input, ...access.chatListScope(actor) });
    return hits.map(({ match, ...chat }) => ({ ...chat, snippet: chatSearchSnippet(match) }));
  }

  /** A chat's rename or change, for the sockets showing it (and, coalesced, the project's chat lists). */
  private publishChatUpdated(chat: Pick<ChatRecord, 'projectId' | 'id' | 'createdBy' | 'title'>): void {
    this.deps.events.publish({
      type: 'chatUpdated',
      projectId: chat.projectId,
      chatId: chat.id,
      ownerId: chat.createdBy,
      title: chat.title,
    });
  }

  async renameChat(actor: Actor, chatId: number, title: string): Promise<ChatRecord> {
    await this.deps.access.requireChat(actor, chatId, 'write');
    const chat = await this.deps.store.chats.update(chatId, { title, titleIsCustom: true });
    if (!chat) throw new NotFoundError(`Chat ${chatId} not found`);
    this.publishChatUpdated(chat);
    return chat;
  }

  /** Renames a chat and/or sets the chat model it answers with (null: back to the default). */
  async updateChat(actor: Actor, chatId: number, patch: { title?: string; model?: string | null }): Promise<ChatRecord> {
    if (patch.title !== undefined && patch.model === undefined) return this.renameChat(actor, chatId, patch.title);
    await this.deps.access.requireChat(actor, chatId, 'write');
    const chat = await this.deps.store.chats.update(chatId, {
      ...(patch.title !== undefined ? { title: patch.title, titleIsCustom: true } : {}),
      model: patch.model ?? null,
    });
    if (!chat) throw new NotFoundError(`Chat ${chatId} not found`);
    this.publishChatUpdated(chat);
    return chat;
  }

  async deleteChat(actor: Actor, chatId: number): Promise<void> {
    const chat = await this.deps.access.requireChat(actor, chatId, 'write');
    (await this.deps.generations.find(chatId))?.stop('interrupted');
    await this.deps.store.chats.softDelete(chatId);
    this.deps.events.publish({ type: 'chatDeleted', projectId: chat.projectId, chatId, ownerId: chat.createdBy });
  }

  /**
   * Starts an answer and returns it once the question is saved. The answer runs on its own: callers
   * subscribe to it, and it outlives them for the grace period so that a reconnecting client can
   * resume. Throws NotFoundError or BusyError before anything is written. The question follows the
   * conversation as shown (the end of the active path).
   */
  async sendMessage(actor: Actor, input: { chatId: number; message: string } & GenerationRequest): Promise<Generation> {
    const { store, access } = this.deps;
    const chat = await access.requireChat(actor, input.chatId, 'write');
    await this.deps.limits?.consumeMessage(actor);
    return this.askQuestion(chat, input, async () => activePath(await store.messages.listByChat(chat.id)).at(-1)?.id ?? null);
  }

  /**
   * Edits a question: the new text becomes a sibling of the question `messageId` (same parent), the
   * branch shown from now on, and is answered with the history above it. The old branch stays.
   */
  async editQuestion(actor: Actor, input: { chatId: number; messageId: number; message: string } & GenerationRequest): Promise<Generation> {
    const { store, access } = this.deps;
    const chat = await access.requireChat(actor, input.chatId, 'write');
    const original = await store.messages.findById(input.messageId);
    if (!original || original.chatId !== chat.id || original.role !== 'user') {
      throw new NotFoundError(`Question ${input.messageId} not found in chat ${chat.id}`);
    }
    await this.deps.limits?.consumeMessage(actor);
    return this.askQuestion(chat, input, async () => original.parentId);
  }

  /** Saves a question under `parent` (read once the chat's answer slot is taken), makes it the active branch, answers it. */
  private async askQuestion(
    chat: ChatRecord,
    input: { message: string } & GenerationRequest,
    parent: () => Promise<number | null>,
  ): Promise<Generation> {
    const { store, generations, events } = this.deps;
    const generation = await generations.start(chat.id, chat.projectId);
    try {
      const userMessage = await store.messages.create({
        chatId: chat.id,
        role: 'user',
        content: input.message,
        status: 'complete',
        parentId: await parent(),
      });
      await store.messages.activateVersion(userMessage.id);
      if (!chat.titleIsCustom && chat.messageCount === 0) {
        const title = titleFromMessage(input.message);
        await store.chats.update(chat.id, { title });
        this.publishChatUpdated({ ...chat, title });
      }
      generation.publish({ type: 'received', chatId: chat.id, userMessageId: userMessage.id });
      events.publish({
        type: 'messageAdded',
        projectId: chat.projectId,
        chatId: chat.id,
        ownerId: chat.createdBy,
        messageId: userMessage.id,
        role: 'user',
      });
      void this.run(generation, chat, userMessage, input);
      return generation;
    } catch (error) {
      generation.publish({ type: 'error', chatId: chat.id, error: toAppError(error) });
      throw error;
    }
  }

  /**
   * Answers a question again (also after Stop, Failed or Interrupted): the new answer is another
   * version of the same turn and becomes the active one. `messageId` is the answer to replace or its
   * question. The events are those of `sendMessage`, with `received` naming the existing question.
   */
  async regenerateAnswer(actor: Actor, input: { chatId: number; messageId: number } & GenerationRequest): Promise<Generation> {
    const { store, access, generations } = this.deps;
    const chat = await access.requireChat(actor, input.chatId, 'write');
    const question = questionOf(await store.messages.listByChat(chat.id), input.messageId);
    if (!question) throw new NotFoundError(`Message ${input.messageId} not found in chat ${chat.id}`);
    await this.deps.limits?.consumeMessage(actor);
    const generation = await generations.start(chat.id, chat.projectId);
    try {
      generation.publish({ type: 'received', chatId: chat.id, userMessageId: question.id });
      void this.run(generation, chat, question, { ...input, message: question.content });
      return generation;
    } catch (error) {
      generation.publish({ type: 'error', chatId: chat.id, error: toAppError(error) });
      throw error;
    }
  }

  /**
   * Continues an answer that stopped before its end (Stop, interrupted, failed, cut at a limit): the
   * model goes on writing the same message, with its sources and history. The first token of the
   * stream is the text the answer already had, so a client that follows it from the start (a reload)
   * sees the whole answer.
   */
  async continueAnswer(actor: Actor, input: { chatId: number; messageId: number } & GenerationRequest): Promise<Generation> {
    const { store, access, generations } = this.deps;
    const chat = await access.requireChat(actor, input.chatId, 'write');
    const messages = await store.messages.listByChat(chat.id);
    const answer = messages.find((message) => message.id === input.messageId);
    const question = answer ? questionOf(messages, answer.id) : undefined;
    if (!answer || answer.role !== 'assistant' || !question)
      throw new NotFoundError(`Answer ${input.messageId} not found in chat ${chat.id}`);
    if (answer.status === 'streaming') throw new BusyError('This answer is still being written');
    if (answer.status === 'complete' && answer.error === null) throw new ValidationError('This answer is complete; regenerate it instead');
    if (!answer.content.trim()) throw new ValidationError('This answer has no text to continue; regenerate it instead');
    if (answer.modelName === EXTRACTIVE_MODEL) {
      throw new ValidationError('An answer quoted from the documents cannot be continued; regenerate it with a language model');
    }
    await this.deps.limits?.consumeMessage(actor);
    const generation = await generations.start(chat.id, chat.projectId);
    try {
      generation.publish({ type: 'received', chatId: chat.id, userMessageId: question.id });
      void this.run(generation, chat, question, { ...input, message: question.content }, answer);
      return generation;
    } catch (error) {
      generation.publish({ type: 'error', chatId: chat.id, error: toAppError(error) });
      throw error;
    }
  }

  /**
   * Shows another version of an answer, or another branch of a question (after an edit): it becomes
   * the active child of its parent, and the conversation shown and sent as history follows it.
   */
  async selectAnswerVersion(actor: Actor, input: { chatId: number; messageId: number }): Promise<void> {
    const { store, access, events } = this.deps;
    const chat = await access.requireChat(actor, input.chatId, 'write');
    const message = await store.messages.findById(input.messageId);
    if (!message || message.chatId !== chat.id) {
      throw new NotFoundError(`Message ${input.messageId} not found in chat ${chat.id}`);
    }
    if ((await this.deps.generations.find(chat.id))?.finished === false) {
      throw new BusyError('An answer is being written in this chat; wait for it or stop it first');
    }
    await store.messages.activateVersion(message.id);
    // Other tabs reload the chat on any update of it.
    this.publishChatUpdated(chat);
  }

  /** Thumbs up / down on an answer (null clears it). */
  async setFeedback(actor: Actor, input: { chatId: number; messageId: number; feedback: MessageFeedback | null }): Promise<MessageRecord> {
    const { store, access } = this.deps;
    const chat = await access.requireChat(actor, input.chatId, 'write');
    const message = await store.messages.findById(input.messageId);
    if (!message || message.chatId !== chat.id || message.role !== 'assistant') {
      throw new NotFoundError(`Answer ${input.messageId} not found in chat ${chat.id}`);
    }
    await store.messages.setFeedback(message.id, input.feedback);
    return { ...message, feedback: input.feedback };
  }

  /**
   * Answers `question`: retrieve, `sources`, tokens, save, `done`. With `continuation`, the model goes
   * on writing that saved answer instead (its sources, no retrieval), and the stream starts with its text.
   */
  private async run(
    generation: Generation,
    chat: ChatRecord,
    question: MessageRecord,
    input: { message: string } & GenerationRequest,
    continuation?: MessageRecord,
  ): Promise<void> {
    const { store, retriever, models, settings: settingsService, events, logger, metrics } = this.deps;
    const startedAt = performance.now();
    let assistantId: number | undefined;
    let text = '';
    let seq = 0;
    try {
      const effective = await settingsService.effective({ projectId: chat.projectId });
      const settings = resolveGenerationSettings({
        effective,
        // The chat's own model answers unless this message asks for another.
        request: { ...input, model: input.model ?? chat.model ?? undefined },
      });

      // The path the question was asked on (history sent to the model, and its previous question).
      const earlier = ancestorsOf(await store.messages.listByChat(chat.id), question.id);
      let sources = continuation?.sources ?? [];
      let covered = true;
      if (!continuation) {
        const query = {
          projectId: chat.projectId,
          query: input.message,
          // A follow-up with few words of its own is searched together with the question before it.
          previousQuestion: earlier.findLast((message) => message.role === 'user')?.content,
          limit: settings.topK,
          minScore: settings.minScore,
          signal: generation.signal,
        };
        const retrievalStart = performance.now();
        const outcome: RetrievalOutcome = retriever.search
          ? await retriever.search(query)
          : { sources: await retriever.retrieve(query), mode: 'full_text' };
        metrics?.retrievalSeconds((performance.now() - retrievalStart) / 1000);
        sources = outcome.sources;
        // Vectors alone: the question's best passage must stand out from the index's baseline.
        const floor =
          outcome.mode === 'vector' && outcome.vectorMatch && this.deps.relevance
            ? await this.deps.relevance.floorFor({ projectId: chat.projectId, ...outcome.vectorMatch })
            : undefined;
        covered = documentsCover(outcome, floor);
      }
      // Documents only, and nothing relevant enough: the fixed refusal, without asking the model
      // (and without the weak passages, which it does not rest on).
      const refusal = effective.answerMode === 'documents_only' && !covered;
      if (refusal) sources = [];
      generation.publish({ type: 'sources', chatId: chat.id, sources });

      const model = refusal ? undefined : await models.resolve({ requestedModel: settings.model });
      const modelId = model?.modelId ?? DOCUMENTS_ONLY_MODEL;
      // The history the question was asked with: the path above it, whatever is shown elsewhere.
      const history = settings.includeHistory ? selectHistory(earlier, settings.historyLength) : [];
      const assistant = continuation
        ? continuation
        : await store.messages.create({
            chatId: chat.id,
            role: 'assistant',
            content: '',
            status: 'streaming',
            sources,
            modelName: model ? model.modelId : null,
            parentId: question.id,
          });
      assistantId = assistant.id;
      // From here a failure saves `text`: for a continuation, never less than it had.
      if (continuation) text = continuation.content;
      if (continuation)
        await store.messages.update(assistant.id, { status: 'streaming', error: null, ...(model ? { modelName: model.modelId } : {}) });
      // A new version of a turn is the one shown from now on.
      await store.messages.activateVersion(assistant.id);

      // The text it already has comes first: its tokens add up to the whole message, also on a replay.
      if (continuation) {
        seq = 1;
        generation.publish({ type: 'token', chatId: chat.id, messageId: assistant.id, seq, text });
      }

      // The server's own caps: tokens (estimated) and wall-clock time. Either aborts the upstream
      // request through `limit`, and the answer is saved as it stands, marked truncated.
      const maxMs = this.deps.answerMaxMs ?? DEFAULT_ANSWER_MAX_MS;
      const tokenCap = answerTokenCap(settings.maxTokens) + (continuation ? estimateTokens(continuation.content) : 0);
      const limit = new AbortController();
      let truncated: TruncationReason | undefined;
      const truncate = (reason: TruncationReason) => {
        truncated ??= reason;
        limit.abort();
      };
      const timeLimit = setTimeout(() => truncate('max_time'), maxMs);
      timeLimit.unref();
      const signal = AbortSignal.any([generation.signal, limit.signal]);

      const prompt = buildPromptMessages({ question: input.message, sources, history, systemPrompt: effective.systemPrompt });
      // Continuing: the partial answer is the last message, and the model writes on from it.
      if (continuation) prompt.push({ role: 'assistant', content: continuation.content });
      const parts = model
        ? model.stream({
            messages: prompt,
            temperature: settings.temperature,
            maxTokens: settings.maxTokens,
            signal,
            grounding: { question: input.message, sources },
          })
        : refusalParts(effective.refusalMessage);

      let flushing: Promise<void> | undefined;
      // A checkpoint for a crash once a second: a timer marks it due, so no token reads the clock.
      let checkpointDue = false;
      const checkpoints = setInterval(() => {
        checkpointDue = true;
      }, FLUSH_INTERVAL_MS);
      checkpoints.unref();
      // Runs once per coalesced delta (the deltas of one event-loop turn), not per upstream token.
      const coalescer = new TextDeltaCoalescer((delta) => {
        if (signal.aborted) return;
        let piece = delta;
        if (estimateTokens(text + piece) > tokenCap) {
          piece = piece.slice(0, Math.max(0, tokenCap * CHARACTERS_PER_TOKEN - text.length));
          truncate('max_tokens');
        }
        if (!piece) return;
        seq += 1;
        text += piece;
        if (seq === 1) metrics?.firstTokenSeconds((performance.now() - startedAt) / 1000);
        metrics?.tokensStreamed(1);
        generation.publish({ type: 'token', chatId: chat.id, messageId: assistant.id, seq, text: piece });
        if (checkpointDue && !flushing) {
          checkpointDue = false;
          // Only a checkpoint for a crash: a failed one is logged, and the final save below decides.
          // (Caught here: left pending while the stream goes on, its rejection would be unhandled.)
          flushing = store.messages
            .update(assistant.id, { content: text })
            .catch((error: unknown) => logger.warn({ err: error, chatId: chat.id }, 'partial answer not saved'))
            .finally(() => {
              flushing = undefined;
            });
        }
      });
      try {
        for await (const part of parts) {
          if (part.type === 'text-delta') coalescer.add(part.text);
          else coalescer.flush();
        }
        coalescer.flush();
      } catch (error) {
        // A failing model keeps what it said before the failure (saved as the partial answer).
        coalescer.flush();
        throw error;
      } finally {
        clearTimeout(timeLimit);
        clearInterval(checkpoints);
      }
      await flushing;

      // A stop or a lost client wins over a cap reached at the same moment.
      const status = generation.signal.aborted ? (generation.stopReason ?? 'interrupted') : 'complete';
      const cut = generation.signal.aborted ? undefined : truncated;
      const note = cut ? truncationNote(cut, { maxTokens: settings.maxTokens, maxMs }) : undefined;
      if (note) logger.warn({ chatId: chat.id, reason: cut, tokens: seq }, 'answer truncated at the server limit');
      await store.messages.update(assistant.id, { content: text, status, ...(note ? { error: note } : {}) });
      generation.publish({
        type: 'done',
        chatId: chat.id,
        messageId: assistant.id,
        model: modelId,
        sourcesCount: sources.length,
        status,
        tokens: seq,
        ...(cut ? { truncated: cut } : {}),
      });
      events.publish({
        type: 'messageAdded',
        projectId: chat.projectId,
        chatId: chat.id,
        ownerId: chat.createdBy,
        messageId: assistant.id,
        role: 'assistant',
      });
    } catch (error) {
      const appError = toAppError(error);
      if (!(error instanceof AppError)) logger.error({ err: error, chatId: chat.id }, 'generation failed');
      else logger.warn({ code: appError.code, chatId: chat.id }, 'generation failed');
      if (assistantId !== undefined) {
        try {
          await store.messages.update(assistantId, { content: text, status: 'failed', error: appError.message });
        } catch (saveError) {
          logger.error({ err: saveError, chatId: chat.id }, 'could not save the failed answer');
        }
      }
      generation.publish({ type: 'error', chatId: chat.id, messageId: assistantId, error: appError });
    }
  }
}

/** `message_complete`'s model for a documents-only refusal: no model was asked. */
export const DOCUMENTS_ONLY_MODEL = 'documents_only';

/** The fixed refusal, streamed as the model's text would be. */
async function* refusalParts(message: string): AsyncGenerator<ChatPart> {
  yield { type: 'text-delta', text: message };
  yield { type: 'finish', reason: 'stop', completionTokens: 0 };
}

/** Unknown failures become a generic error: their text may hold paths or SQL, so it is not shown. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new InternalError('The answer failed because of an internal error; it has been logged', {
    cause: error,
  });
}
