import { EventEmitter } from 'node:events';
import type { ModelPullProgressEvent } from '../../protocol/socket-events.ts';
import type { GlobalSettingKey } from '../../protocol/settings.ts';
import type { DocumentRecord, DocumentStage, DocumentStatus } from '../store/store.ts';

/**
 * What the domain announces, in the domain's own words. The realtime layer subscribes, picks rooms and
 * spells the seed's wire names (`realtime/to-wire.ts`); the domain never imports Socket.IO, so ingestion
 * workers (or another node, through a bus) can publish the same events.
 */
export type DomainEvent =
  | { type: 'projectCreated'; projectId: number }
  /** Name, description or settings changed. */
  | { type: 'projectUpdated'; projectId: number; name: string }
  | { type: 'projectDeleted'; projectId: number }
  /** A new embedding index version of the project is complete and now answers. */
  | { type: 'embeddingIndexActivated'; projectId: number; embeddingModel: string; embeddingIndexId: number }
  /**
   * Chat events name the chat's creator (`ownerId`; null without accounts): with accounts chats are
   * private, so only the owner's connections hear them.
   */
  | { type: 'chatCreated'; projectId: number; chatId: number; ownerId: number | null; title: string }
  | { type: 'chatUpdated'; projectId: number; chatId: number; ownerId: number | null; title: string }
  | { type: 'chatDeleted'; projectId: number; chatId: number; ownerId: number | null }
  | { type: 'messageAdded'; projectId: number; chatId: number; ownerId: number | null; messageId: number; role: 'user' | 'assistant' }
  | { type: 'documentAdded'; projectId: number; document: DocumentRecord }
  /** Renamed (`filename`) or queued / finished (`status`); only what changed is set. */
  | { type: 'documentUpdated'; projectId: number; documentId: number; filename?: string; status?: DocumentStatus }
  | { type: 'documentDeleted'; projectId: number; documentId: number }
  /** A document moved through its processing stages (progress never goes backwards in flight). */
  | {
      type: 'documentProgress';
      projectId: number;
      documentId: number;
      status: DocumentStatus;
      stage: DocumentStage;
      progress: number;
      error: string | null;
      pagesDone?: number;
      pagesTotal?: number;
      chunksDone?: number;
      chunksTotal?: number;
    }
  /** A model download moved on; models are shared by every project. `progress` is the download's public state. */
  | { type: 'modelPullProgress'; progress: ModelPullProgressEvent }
  /** Global settings were saved; `keys` names the ones that changed. */
  | { type: 'settingsChanged'; keys: GlobalSettingKey[] }
  /**
   * A right was taken away; live connections must follow at once. `project`: the user is no longer
   * a member of that project; `user`: the user was disabled, deleted or changed role (every
   * connection goes); `credentials`: those sessions or API keys were revoked (their connections go).
   */
  | { type: 'accessRevoked'; scope: 'project'; userId: number; projectId: number }
  | { type: 'accessRevoked'; scope: 'user'; userId: number }
  | { type: 'accessRevoked'; scope: 'credentials'; userId: number; credentialIds: number[] };

export type DomainEventType = DomainEvent['type'];

/** The in-process event bus of one domain. Listeners run synchronously, in subscription order. */
export class DomainEvents {
  private readonly emitter = new EventEmitter<{ event: [DomainEvent] }>();

  publish(event: DomainEvent): void {
    this.emitter.emit('event', event);
  }

  /** Returns a function that unsubscribes. */
  subscribe(listener: (event: DomainEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
