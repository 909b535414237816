import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParam } from '../../../protocol/ids.ts';
import {
  ChatCreateBody,
  ChatListQuery,
  ChatResponse,
  ChatSearchQuery,
  ChatSearchResult,
  ChatUpdateBody,
  ChatWithMessagesResponse,
  ErrorResponse,
  MessageFeedbackBody,
  MessageResponse,
  SendMessageBody,
  SendMessageResponse,
} from '../../../protocol/rest.ts';
import type { Source } from '../../../protocol/source.ts';
import type { ChatService } from '../../chat/chat-service.ts';
import type { Generation } from '../../chat/generation.ts';
import type { GenerationEvent } from '../../chat/generation-event.ts';
import type { AccessPolicy } from '../../access/access-policy.ts';
import type { ClientLimits } from '../../limits/client-limits.ts';
import type { Store } from '../../store/store.ts';
import { activePath } from '../../chat/message-tree.ts';
import { chatToJsonExport, chatToMarkdown, exportFilename } from '../chat-export.ts';
import { contentDisposition } from '../content-disposition.ts';
import { presentChat, presentMessage } from '../presenters.ts';
import { requestActor } from '../request-actor.ts';
import { streamGenerationAsSse } from '../sse.ts';

export interface ChatRoutesOptions {
  store: Store;
  access: AccessPolicy;
  chats: ChatService;
  limits: ClientLimits;
}

const ChatParams = z.object({ chat_id: IdParam });
const ProjectParams = z.object({ project_id: IdParam });
const MessageParams = z.object({ chat_id: IdParam, message_id: IdParam });
const tags = ['chats'];

export const chatRoutes: FastifyPluginAsyncZod<ChatRoutesOptions> = async (app, { store, access, chats, limits }) => {
  app.post('/api/chats', {
    schema: { tags, body: ChatCreateBody, response: { 201: ChatResponse, 404: ErrorResponse } },
    handler: async (request, reply) => {
      const chat = await chats.createChat(requestActor(request), { projectId: request.body.project_id, title: request.body.title });
      return reply.code(201).send(presentChat(chat));
    },
  });

  app.get('/api/chats/:chat_id', {
    schema: { tags, params: ChatParams, response: { 200: ChatWithMessagesResponse, 404: ErrorResponse } },
    handler: async (request) => {
      const chat = await access.requireChat(requestActor(request), request.params.chat_id, 'read');
      const messages = await store.messages.listByChat(chat.id);
      return { ...presentChat(chat), messages: messages.map(presentMessage) };
    },
  });

  app.put('/api/chats/:chat_id', {
    schema: { tags, params: ChatParams, body: ChatUpdateBody, response: { 200: ChatResponse, 404: ErrorResponse } },
    handler: async (request) => presentChat(await chats.updateChat(requestActor(request), request.params.chat_id, request.body)),
  });

  app.delete('/api/chats/:chat_id', {
    schema: { tags, params: ChatParams, response: { 204: z.null(), 404: ErrorResponse } },
    handler: async (request, reply) => {
      await chats.deleteChat(requestActor(request), request.params.chat_id);
      return reply.code(204).send(null);
    },
  });

  app.get('/api/projects/:project_id/chats', {
    schema: { tags, params: ProjectParams, querystring: ChatListQuery, response: { 200: z.array(ChatResponse) } },
    handler: async (request) => {
      const { skip, limit } = request.query;
      return (await chats.listChats(requestActor(request), { projectId: request.params.project_id, skip, limit })).map(presentChat);
    },
  });

  app.get('/api/projects/:project_id/chats/search', {
    schema: { tags, params: ProjectParams, querystring: ChatSearchQuery, response: { 200: z.array(ChatSearchResult) } },
    handler: async (request) => {
      const { q, limit } = request.query;
      const hits = await chats.searchChats(requestActor(request), { projectId: request.params.project_id, query: q, limit });
      return hits.map((hit) => ({ ...presentChat(hit), snippet: hit.snippet }));
    },
  });

  app.get('/api/chats/:chat_id/messages', {
    schema: { tags, params: ChatParams, response: { 200: z.array(MessageResponse), 404: ErrorResponse } },
    handler: async (request) => {
      const chat = await access.requireChat(requestActor(request), request.params.chat_id, 'read');
      return (await store.messages.listByChat(chat.id)).map(presentMessage);
    },
  });

  app.put('/api/chats/:chat_id/messages/:message_id/active', {
    schema: {
      tags,
      description:
        '**ext** Shows another version of an answer (after `regenerate_message`) or another branch of a question (after `edit_message`): it becomes `active`, its siblings under the same parent not, and the conversation shown and sent as history follows it from now on.',
      params: MessageParams,
      response: { 204: z.null(), 404: ErrorResponse, 409: ErrorResponse },
    },
    handler: async (request, reply) => {
      await chats.selectAnswerVersion(requestActor(request), { chatId: request.params.chat_id, messageId: request.params.message_id });
      return reply.code(204).send(null);
    },
  });

  app.put('/api/chats/:chat_id/messages/:message_id/feedback', {
    schema: {
      tags,
      description: '**ext** Thumbs up or down on an answer (`null` clears it); kept with the message and exported with the chat.',
      params: MessageParams,
      body: MessageFeedbackBody,
      response: { 200: MessageResponse, 404: ErrorResponse },
    },
    handler: async (request) =>
      presentMessage(
        await chats.setFeedback(requestActor(request), {
          chatId: request.params.chat_id,
          messageId: request.params.message_id,
          feedback: request.body.feedback,
        }),
      ),
  });

  app.post('/api/chats/:chat_id/messages', {
    schema: {
      tags,
      description:
        'Ask a question (after the conversation shown; with **ext** `edit_of`, as a new branch beside that question). With `stream: true` the answer arrives as Server-Sent Events: `sources`, `token`*, `done`, `complete` (or `error`).',
      params: ChatParams,
      body: SendMessageBody,
      response: { 200: SendMessageResponse, 404: ErrorResponse, 409: ErrorResponse },
    },
    handler: async (request, reply) => {
      const { stream, max_history: maxHistory, history_length: historyLength, edit_of: editOf, ...options } = request.body;
      // Counted with the address's socket answers until it finishes, even if the client hangs up.
      const release = limits.reserveAnswerForAddress(request.ip);
      let generation: Generation;
      try {
        const input = { ...options, history_length: historyLength ?? maxHistory, chatId: request.params.chat_id };
        generation =
          editOf === undefined
            ? await chats.sendMessage(requestActor(request), input)
            : await chats.editQuestion(requestActor(request), { ...input, messageId: editOf });
      } catch (error) {
        release();
        throw error;
      }
      void generation.whenFinished().then(release);
      if (stream) {
        streamGenerationAsSse({ request, reply, generation });
        return reply;
      }
      return new Promise((resolve, reject) => {
        let sources: Source[] = [];
        let answer = '';
        let userMessageId = 0;
        const unsubscribe = generation.subscribe(
          (event: GenerationEvent) => {
            if (event.type === 'received') userMessageId = event.userMessageId;
            else if (event.type === 'sources') sources = event.sources;
            else if (event.type === 'token') answer += event.text;
            else if (event.type === 'done') {
              resolve({
                answer,
                sources,
                model: event.model,
                message_id: event.messageId,
                user_message_id: userMessageId,
                status: event.status,
              });
            } else if (event.type === 'error') reject(event.error);
          },
          { afterSeq: 0, includeReceived: true },
        );
        // The response hears a hang-up; the request's 'close' fired when its body was read.
        reply.raw.on('close', () => {
          if (!reply.sent) unsubscribe();
        });
      });
    },
  });

  app.get('/api/chats/:chat_id/export/markdown', {
    schema: { tags, params: ChatParams, produces: ['text/markdown'], response: { 200: z.string(), 404: ErrorResponse } },
    handler: async (request, reply) => {
      const chat = await access.requireChat(requestActor(request), request.params.chat_id, 'read');
      const messages = await store.messages.listByChat(chat.id);
      return reply
        .type('text/markdown; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', exportFilename(chat, 'md')))
        .send(chatToMarkdown(chat, activePath(messages)));
    },
  });

  app.get('/api/chats/:chat_id/export/json', {
    schema: { tags, params: ChatParams, response: { 200: z.string(), 404: ErrorResponse } },
    handler: async (request, reply) => {
      const chat = await access.requireChat(requestActor(request), request.params.chat_id, 'read');
      const messages = await store.messages.listByChat(chat.id);
      return reply
        .type('application/json; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', exportFilename(chat, 'json')))
        .send(JSON.stringify(chatToJsonExport(chat, messages), null, 2));
    },
  });
};
