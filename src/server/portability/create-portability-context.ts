import fs from 'node:fs/promises';
import path from 'node:path';
import type { InstancePresence } from '../cluster/instance-presence.ts';
import type { Logger } from '../logger.ts';
import type { Config } from '../config.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import { VERSION } from '../version.ts';
import type { DocumentFiles } from '../ingest/document-files.ts';
import type { IngestJobRunner } from '../ingest/job-runner.ts';
import type { EmbedderResolver } from '../llm/embedder-resolver.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { Store } from '../store/store.ts';
import type { PortabilityContext } from './portability-context.ts';

/** An unfinished import nobody has written to for this long is a crash's leftover, not a peer's import. */
const STALE_IMPORT_MS = 60 * 60 * 1000;

/**
 * Builds the export / import dependencies from the services a composition root already has. The
 * unpack folder lives in the data dir (same filesystem: adopting a file is a rename); leftovers of an
 * import cut short by a crash are removed here, by the process that owns the data dir.
 */
export async function createPortabilityContext(options: {
  config: Config;
  store: Store;
  files: DocumentFiles;
  events: DomainEvents;
  logger: Logger;
  settings: SettingsService;
  embedders: EmbedderResolver;
  ingestRunner: Pick<IngestJobRunner, 'wake'>;
  /** False for a second process on the same data dir (it must not remove a running import's files). */
  ownsDataDir?: boolean;
  /** Set when processes share the data dir (see InstancePresence). */
  presence?: InstancePresence;
}): Promise<PortabilityContext> {
  const tempRoot = path.join(options.config.DATA_DIR, 'tmp', 'imports');
  // Processes sharing the data dir unpack into folders of their own; a start removes only those of gone processes.
  const tempDir = options.presence ? path.join(tempRoot, options.presence.name) : tempRoot;
  if (options.ownsDataDir !== false) {
    if (options.presence) await options.presence.removeFoldersOfGoneProcesses(tempRoot);
    else await fs.rm(tempDir, { recursive: true, force: true });
    // With peers on the same database, an import still being written is theirs: only stale ones go.
    await removeUnfinishedImports({
      ...options,
      notUpdatedSince: options.presence ? new Date(Date.now() - STALE_IMPORT_MS).toISOString() : undefined,
    });
  }
  await fs.mkdir(tempDir, { recursive: true });
  return {
    store: options.store,
    files: options.files,
    events: options.events,
    logger: options.logger,
    settings: options.settings,
    embedders: options.embedders,
    tempDir,
    maxExtractedBytes: Math.round(options.config.MAX_IMPORT_MB * 4 * 1024 * 1024),
    // An embed job fills the project's index for this server's model; with no embedder reachable it
    // is postponed and the periodic backfill queues it again later.
    queueEmbedding: async (projectId) => {
      await options.store.jobs.enqueue({ kind: 'embed', projectId });
      options.ingestRunner.wake();
    },
    wakeJobs: () => options.ingestRunner.wake(),
    appVersion: VERSION,
  };
}

/** A crash during an import leaves a hidden project (never visible): its rows and files go here. */
async function removeUnfinishedImports(options: {
  store: Store;
  files: DocumentFiles;
  logger: Logger;
  notUpdatedSince?: string;
}): Promise<void> {
  const unfinished = await options.store.archive.unfinishedImports({ notUpdatedSince: options.notUpdatedSince });
  if (unfinished.length === 0) return;
  for (const projectId of unfinished) {
    await options.store.projects.hardDelete(projectId);
    await options.files.removeProject(projectId);
  }
  await options.store.vectors.dropOrphanStorage();
  options.logger.warn({ projects: unfinished.length }, 'imports cut short by the last shutdown were removed');
}
