import path from 'node:path';
import { z } from 'zod';
import { parseHostName } from './access/host-policy.ts';

const Seconds = z.coerce.number().min(0).max(86_400);
const Bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((value) => value === 'true' || value === '1' || value === 'yes');
const UrlString = z
  .string()
  .url()
  .transform((value) => value.replace(/\/+$/, ''));

/**
 * Every setting, read from the environment in one place. Each entry names its env variable, its
 * default and why it exists; the README's configuration table is this list.
 */
export const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8000),
  /** Where the SQLite database and uploaded files live. */
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `auto`: one readable line per event on a terminal (pino-pretty), JSON lines otherwise (files, pipes, services). */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  /** Extra browser origins allowed to open a socket or call the API (comma-separated, exact match). */
  CORS_ORIGINS: z.string().default('http://localhost:5173,http://127.0.0.1:5173'),
  /** When set, every REST call needs `Authorization: Bearer <token>` and every socket `auth.token`. */
  API_TOKEN: z.string().min(16).optional(),
  /** `none`: one local user (API_TOKEN still guards the instance); `accounts`: users, sign-in, project roles. */
  AUTH_MODE: z.enum(['none', 'accounts']).default('none'),
  /** With accounts on and no user yet, the first start creates this admin (both must be set). */
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Allow listening on a non-loopback address with no authentication at all (AUTH_MODE=none, no API_TOKEN). */
  ALLOW_UNAUTHENTICATED: Bool.default(false),
  /** How long a sign-in session lasts, in hours. */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 366)
    .default(24 * 7),
  /** Messages one user may send per minute (accounts on: default 30; AUTH_MODE=none: off unless set). */
  RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).optional(),
  /** Upload requests one user may make per minute (accounts on: default 30; AUTH_MODE=none: off unless set). */
  RATE_LIMIT_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).optional(),

  /** `auto`: Ollama when reachable, otherwise extractive answers; or force one provider. */
  LLM_PROVIDER: z.enum(['auto', 'ollama', 'openai', 'extractive']).default('auto'),
  OLLAMA_HOST: UrlString.default('http://127.0.0.1:11434'),
  OLLAMA_MODEL: z.string().min(1).default('llama3.2'),
  EMBEDDING_MODEL: z.string().min(1).default('nomic-embed-text'),
  OPENAI_BASE_URL: UrlString.optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** How long to wait for the first token (a cold model load can take minutes). */
  LLM_FIRST_TOKEN_TIMEOUT_SECONDS: Seconds.default(300),
  /** How long a started answer may stall between two tokens before it is failed. */
  LLM_IDLE_TIMEOUT_SECONDS: Seconds.default(60),

  /** How long an answer keeps generating after its last listener left, waiting for a resume. */
  GENERATION_GRACE_SECONDS: Seconds.default(30),
  /** How long a finished answer stays replayable for a late `resume_message`. */
  GENERATION_RETAIN_SECONDS: Seconds.default(60),
  DEFAULT_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
  DEFAULT_TOP_K: z.coerce.number().int().min(1).max(50).default(5),
  DEFAULT_HISTORY_LENGTH: z.coerce.number().int().min(0).max(50).default(5),
  DEFAULT_MAX_TOKENS: z.coerce.number().int().min(1).max(32_768).default(2048),
  MIN_SCORE: z.coerce.number().min(0).max(1).default(0),
  /** Characters per chunk and overlap between chunks, until changed in the settings. */
  DEFAULT_CHUNK_SIZE: z.coerce.number().int().min(100).max(20_000).default(1000),
  DEFAULT_CHUNK_OVERLAP: z.coerce.number().int().min(0).max(10_000).default(200),

  MAX_UPLOAD_MB: z.coerce.number().min(1).max(10_000).default(100),
  /** Largest project archive accepted by an import; it may unpack to four times this. */
  MAX_IMPORT_MB: z.coerce.number().min(1).max(1_000_000).default(4096),
  /** Files per bulk upload request. */
  MAX_UPLOAD_FILES: z.coerce.number().int().min(1).max(1_000).default(100),
  /** Documents parsed at the same time (worker threads). */
  INGEST_WORKERS: z.coerce.number().int().min(1).max(32).default(2),
  /** A parse that runs longer fails the document with reason `timeout`. */
  PARSE_TIMEOUT_SECONDS: Seconds.default(120),
  /** Analytics computations (PCA, t-SNE, UMAP, similarity matrices) run at once, each in its own worker thread; more wait. */
  ANALYTICS_WORKERS: z.coerce.number().int().min(1).max(16).default(1),
  /** An analytics computation still running after this is stopped (504). */
  ANALYTICS_TIMEOUT_SECONDS: Seconds.default(120),
  /** Heap of one analytics worker thread. */
  ANALYTICS_MAX_MEMORY_MB: z.coerce.number().int().min(64).max(16_384).default(1024),
  /** Memory of a parser worker (V8 heap, and heap plus buffers outside it); past it the document fails with reason `memory`. */
  PARSE_MAX_MEMORY_MB: z.coerce.number().int().min(32).max(16_384).default(512),
  /** Attempts of an ingestion job before its document is marked failed (transient errors only). */
  INGEST_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** First retry delay; doubles per attempt (with jitter), capped at 5 minutes. */
  INGEST_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(3_600).default(2),
  /** `auto`: the OpenAI-compatible server when configured (and LLM_PROVIDER is not ollama), else Ollama; `none` = full-text only. */
  EMBEDDING_PROVIDER: z.enum(['auto', 'ollama', 'openai', 'none']).default('auto'),
  /** Texts per embedding request. */
  EMBED_BATCH_SIZE: z.coerce.number().int().min(1).max(2_048).default(32),
  EMBED_TIMEOUT_SECONDS: Seconds.default(120),
  /** How often projects are checked for chunks without vectors of the current embedding model. */
  EMBED_BACKFILL_INTERVAL_SECONDS: Seconds.default(30),
  /** Serve the built web app from `/` (off for API-only deployments). */
  SERVE_WEB: Bool.default(true),
  /**
   * More host names (or addresses) the server may be reached by, besides loopback names and the bound
   * address (comma-separated, no port needed). Requests with any other `Host` are refused (DNS rebinding).
   */
  ALLOWED_HOSTS: z
    .string()
    .default('')
    .refine(
      (value) => splitList(value).every((entry) => parseHostName(entry) !== undefined),
      'must be a comma-separated list of host names or addresses, like chat.lan,192.168.1.20',
    ),

  /** Server processes on one port behind a cluster primary (`--workers N`); 1 = one process. */
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /** Redis for cross-process coordination (rooms, running answers, locks, job signals); unset = in-process. */
  REDIS_URL: z.string().url().optional(),
  /** Prefix of every Redis key and channel (one per deployment sharing a Redis). */
  REDIS_PREFIX: z.string().min(1).max(100).default('daa:'),
  /** How long a running answer's lease lives without renewal: a dead process's answers end after this. */
  ANSWER_LEASE_SECONDS: z.coerce.number().min(1).max(600).default(10),

  /** Answers one socket may have running at once (always applies, loopback included). */
  SOCKET_MAX_ANSWERS_PER_CONNECTION: z.coerce.number().int().min(1).max(1_000).default(4),
  /** Answers all sockets of one client address may have running at once. */
  SOCKET_MAX_ANSWERS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(8),
  /** Sockets one client address may hold open at once. */
  SOCKET_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(32),
  /** Apply the per-address caps to loopback clients too (off: local tools and benchmarks stay unlimited). */
  SOCKET_LIMIT_LOOPBACK: Bool.default(false),
  /** Largest handshake `auth` payload, in bytes of JSON (always applies). */
  SOCKET_MAX_HANDSHAKE_BYTES: z.coerce
    .number()
    .int()
    .min(64)
    .max(256 * 1024)
    .default(4_096),
  /** Packets a socket's send queue may hold; past it (or the size below) the socket is disconnected. */
  SOCKET_SEND_QUEUE_MAX_PACKETS: z.coerce.number().int().min(16).max(1_000_000).default(2_000),
  /** Size of a socket's send queue, in MB, past which it is disconnected (it can reconnect and resume). */
  SOCKET_SEND_QUEUE_MAX_MB: z.coerce.number().min(0.0625).max(1_024).default(4),
  /** Longest an answer may generate, whatever the model does; past it the answer is saved as truncated. */
  ANSWER_MAX_SECONDS: z.coerce.number().min(1).max(86_400).default(900),

  /**
   * How long one SQLite call may wait for another connection's write lock. The event loop is blocked
   * while SQLite waits, so this stays short; longer waits are retried asynchronously (below).
   */
  DATABASE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(0).max(1_000).default(20),
  /**
   * SQLite: a vector index version (one project, one embedder) with at least this many vectors is
   * searched through an HNSW index in the background worker (saved in DATA_DIR/vector-index); smaller
   * ones by exact scan. 0 turns the HNSW index off.
   */
  VECTOR_ANN_MIN_VECTORS: z.coerce.number().int().min(0).max(100_000_000).default(10_000),
  /** How long a busy database is retried (with backoff, off the event loop) before the call fails with 503. */
  DATABASE_BUSY_RETRY_SECONDS: z.coerce.number().min(0).max(600).default(5),
  /**
   * `postgres://…`: the store is PostgreSQL (shared by several processes or machines) instead of the
   * SQLite file under DATA_DIR, which is then not created. Uploaded files stay under DATA_DIR.
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Connections each process keeps to PostgreSQL at most. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Bytes (MB) a PDF's compressed streams may decode to in total, images excluded (decompression bombs). */
  PARSE_MAX_DECODED_MB: z.coerce.number().int().min(1).max(65_536).default(512),
  /**
   * Resident memory (MB) of the whole server above which the parse most likely responsible is stopped
   * (`memory`): the backstop for a parser that allocates outside the V8 heap without yielding.
   */
  PARSE_MAX_RSS_MB: z.coerce.number().int().min(128).max(262_144).default(2048),
});

export type Config = z.infer<typeof ConfigSchema> & {
  corsOrigins: string[];
  /** ALLOWED_HOSTS, normalised (lower case, no port, IPv6 without brackets). */
  allowedHosts: string[];
  databasePath: string;
  uploadDir: string;
};

/** Parses the environment (plus overrides, used by tests) into a typed config, or throws a readable error. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  overrides: Partial<Record<keyof z.input<typeof ConfigSchema>, unknown>> = {},
): Config {
  const picked: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const result = ConfigSchema.safeParse({ ...picked, ...overrides });
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.DEFAULT_CHUNK_OVERLAP >= config.DEFAULT_CHUNK_SIZE) {
    throw new Error(
      `Invalid configuration:\n  DEFAULT_CHUNK_OVERLAP (${config.DEFAULT_CHUNK_OVERLAP}) must be smaller than DEFAULT_CHUNK_SIZE (${config.DEFAULT_CHUNK_SIZE})`,
    );
  }
  const dataDir = path.resolve(config.DATA_DIR);
  return {
    ...config,
    DATA_DIR: dataDir,
    corsOrigins: config.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    allowedHosts: splitList(config.ALLOWED_HOSTS).map((entry) => parseHostName(entry)!),
    databasePath: path.join(dataDir, 'daa.sqlite'),
    uploadDir: path.join(dataDir, 'documents'),
  };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}
