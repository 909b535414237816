import type { RunningAnswers } from '../chat/running-answers.ts';
import type { Config } from '../config.ts';
import type { OllamaStatusProbe } from '../llm/ollama/ollama-status.ts';
import { type ModelServersReport, reportModelServers } from '../models/model-server-status.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import type { Store, VectorIndexStats } from '../store/store.ts';

/** What works and what does not, in the domain's words; `http/routes/health.ts` turns it into the report. */
export interface HealthCheck {
  /** Set when the database cannot be reached or is damaged: one sentence a client may see. */
  databaseError?: string;
  servers: ModelServersReport;
  /** `LLM_PROVIDER` as configured (`auto` falls back to extractive answers when Ollama is down). */
  configuredProvider: Config['LLM_PROVIDER'];
  activeGenerations: number;
  /** Which database engine and vector search answer. */
  database: { engine: 'sqlite' | 'postgres'; vectorSearch: 'sqlite-vec' | 'pgvector' | 'exact' };
  /** The SQLite store's HNSW indexes (size and memory), when it keeps any. */
  vectorIndex?: VectorIndexStats;
}

export class HealthService {
  constructor(
    private readonly deps: {
      config: Config;
      store: Store;
      ollamaStatus: OllamaStatusProbe;
      settings: SettingsService;
      generations: RunningAnswers;
    },
  ) {}

  /** One sentence when the database cannot be reached or is damaged, else undefined. */
  async checkDatabase(): Promise<string | undefined> {
    const { store } = this.deps;
    try {
      await store.ping();
      // quick_check runs on a background connection (worker thread) and is cached by the store.
      const problems = await store.checkIntegrity();
      if (problems.length > 0) return `The database file is damaged (quick_check: ${problems[0]}); restore it from a backup`;
      return undefined;
    } catch {
      return 'The database cannot be reached';
    }
  }

  /**
   * For readiness: the database's state if known within `waitMs`, else 'checking' (the first
   * quick_check of a large file runs for a while after the start; a probe should not hang on it).
   */
  async checkDatabaseWithin(waitMs: number): Promise<string | undefined | 'checking'> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'checking'>((resolve) => {
      timer = setTimeout(() => resolve('checking'), waitMs);
    });
    try {
      return await Promise.race([this.checkDatabase(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async check(): Promise<HealthCheck> {
    const { config, store, ollamaStatus, settings, generations } = this.deps;
    const databaseError = await this.checkDatabase();
    const servers = await reportModelServers({ config, probe: ollamaStatus, settings });
    // Answered by the store's worker thread; a health check never fails because of it.
    const vectorIndex = databaseError ? undefined : await store.vectorIndexStats?.().catch(() => undefined);
    return {
      ...(databaseError !== undefined ? { databaseError } : {}),
      servers,
      configuredProvider: config.LLM_PROVIDER,
      activeGenerations: generations.active().length,
      database: store.describe(),
      ...(vectorIndex ? { vectorIndex } : {}),
    };
  }
}
