// The whole server on PostgreSQL: existing integration suites (upload, ingest, cited answers,
// embeddings, chats, projects, export/import, accounts, chat models and answer versions, log hygiene) with the test server on a throw-away database.
import { spawnSync } from 'node:child_process';

const files = [
  'test/integration/documents/upload-and-cite.test.ts',
  'test/integration/documents/embeddings.test.ts',
  'test/integration/documents/reprocess-and-isolation.test.ts',
  'test/integration/http/projects.test.ts',
  'test/integration/http/chats.test.ts',
  'test/integration/portability/project-archive.test.ts',
  'test/integration/accounts/access-table.test.ts',
  'test/integration/accounts/revocation-and-limits.test.ts',
  'test/integration/accounts/import-ownership.test.ts',
  'test/integration/chat/chat-model.test.ts',
  'test/integration/chat/regenerate.test.ts',
  'test/integration/chat/message-tree.test.ts',
  'test/integration/log-hygiene.test.ts',
];
const result = spawnSync('npx', ['vitest', 'run', ...files], { stdio: 'inherit', env: { ...process.env, TEST_STORE: 'postgres' } });
process.exit(result.status ?? 1);
