import { describe, expect, it } from 'vitest';
import { chatListChangeOf, domainEventToWire } from '../../../src/server/realtime/to-wire.ts';

describe('domainEventToWire', () => {
  it("spells project events as the seed's project_update {type, data} in the project's room", () => {
    expect(domainEventToWire({ type: 'chatCreated', projectId: 4, chatId: 9, ownerId: null, title: 'New Chat' })).toEqual([
      {
        projectId: 4,
        chat: { chatId: 9, ownerId: null, rooms: 'list' },
        event: ['project_update', { type: 'chat_created', data: { project_id: 4, chat_id: 9, title: 'New Chat' } }],
      },
    ]);
    expect(domainEventToWire({ type: 'documentUpdated', projectId: 4, documentId: 2, status: 'failed' })).toEqual([
      { projectId: 4, event: ['project_update', { type: 'document_updated', data: { project_id: 4, document_id: 2, status: 'failed' } }] },
    ]);
  });

  it("sends what happens inside a chat to the chat's own room only, and marks its chat-list summary", () => {
    const renamed = { type: 'chatUpdated', projectId: 4, chatId: 9, ownerId: 7, title: 'Renamed' } as const;
    expect(domainEventToWire(renamed)).toEqual([
      {
        projectId: 4,
        chat: { chatId: 9, ownerId: 7, rooms: 'chat' },
        event: ['project_update', { type: 'chat_updated', data: { project_id: 4, chat_id: 9, title: 'Renamed' } }],
      },
    ]);
    expect(chatListChangeOf(renamed)).toEqual({ projectId: 4, chatId: 9 });
    const added = { type: 'messageAdded', projectId: 4, chatId: 9, ownerId: 7, messageId: 3, role: 'user' } as const;
    expect(domainEventToWire(added)[0]?.chat?.rooms).toBe('chat');
    expect(chatListChangeOf(added)).toEqual({ projectId: 4, chatId: 9 });
    const deleted = { type: 'chatDeleted', projectId: 4, chatId: 9, ownerId: 7 } as const;
    expect(domainEventToWire(deleted)[0]?.chat?.rooms).toBe('both');
    expect(chatListChangeOf(deleted)).toBeUndefined();
  });

  it('tells every connection about the list of projects, and the project room about a rename', () => {
    expect(domainEventToWire({ type: 'projectUpdated', projectId: 3, name: 'New name' })).toEqual([
      { projectId: 3, event: ['project_update', { type: 'project_updated', data: { project_id: 3, name: 'New name' } }] },
      { event: ['projects_changed', { type: 'project_updated', project_id: 3 }] },
    ]);
    expect(domainEventToWire({ type: 'projectDeleted', projectId: 3 })).toEqual([
      { event: ['projects_changed', { type: 'project_deleted', project_id: 3 }] },
    ]);
  });

  it('maps document progress to document_status with snake_case counts, and settings changes to nothing', () => {
    expect(
      domainEventToWire({
        type: 'documentProgress',
        projectId: 1,
        documentId: 5,
        status: 'processing',
        stage: 'parsing',
        progress: 40,
        error: null,
        pagesDone: 2,
        pagesTotal: 5,
      }),
    ).toEqual([
      {
        projectId: 1,
        event: [
          'document_status',
          {
            document_id: 5,
            project_id: 1,
            status: 'processing',
            progress: 40,
            stage: 'parsing',
            error: null,
            pages_done: 2,
            pages_total: 5,
          },
        ],
      },
    ]);
    expect(domainEventToWire({ type: 'settingsChanged', keys: ['default_retrieval_k'] })).toEqual([]);
  });
});
