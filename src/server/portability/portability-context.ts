import type { Logger } from '../logger.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { DocumentFiles } from '../ingest/document-files.ts';
import type { EmbedderResolver } from '../llm/embedder-resolver.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { Store } from '../store/store.ts';

/**
 * What export and import need, as one object, so that a composition root (startServer today, a
 * domain core later) builds it once and the CLI and HTTP edges call the same functions.
 */
export interface PortabilityContext {
  store: Store;
  files: DocumentFiles;
  events: DomainEvents;
  logger: Logger;
  settings: SettingsService;
  embedders: EmbedderResolver;
  /** Where archives are unpacked and checked before anything is written (on the data dir's filesystem). */
  tempDir: string;
  /** Refuses archives whose entries would unpack to more than this (a zip bomb guard). */
  maxExtractedBytes: number;
  /** Asks the background embedder to fill the project's vectors (after an import whose vectors were not reused). */
  queueEmbedding(projectId: number): Promise<void>;
  /** Tells the ingestion queue that new parse jobs are waiting. */
  wakeJobs(): void;
  appVersion: string;
}
