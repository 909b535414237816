import type { DomainEvents } from '../events/domain-events.ts';
import type { EmbedderResolver } from '../llm/embedder-resolver.ts';
import type { Logger } from '../logger.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { Store } from '../store/store.ts';
import type { DocumentFiles } from './document-files.ts';
import type { DocumentProgress } from './document-progress.ts';
import type { ParserPool } from './parser-pool.ts';

/** What ingestion jobs work with; built once in domain.ts. */
export interface IngestContext {
  store: Store;
  /** Chunking and the embedding model come from here: the same values chat reads. */
  settings: Pick<SettingsService, 'effective'>;
  events: DomainEvents;
  files: DocumentFiles;
  parserPool: ParserPool;
  embedders: EmbedderResolver;
  progress: DocumentProgress;
  logger: Logger;
  embedBatchSize: number;
}
