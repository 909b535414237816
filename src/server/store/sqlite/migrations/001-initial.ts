/** Projects, chats, messages, settings, and the documents table the project counters read. */
export const sql = /* sql */ `
CREATE TABLE projects (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT    NOT NULL,
  description TEXT,
  settings    TEXT    NOT NULL DEFAULT '{}',
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  deleted_at  TEXT
);
-- Names are unique among live projects, whatever their case.
CREATE UNIQUE INDEX projects_live_name ON projects (name COLLATE NOCASE) WHERE deleted_at IS NULL;

CREATE TABLE chats (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id      INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  title           TEXT    NOT NULL,
  title_is_custom INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT    NOT NULL,
  updated_at      TEXT    NOT NULL,
  deleted_at      TEXT
);
CREATE INDEX chats_project ON chats (project_id, updated_at);

CREATE TABLE messages (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
  role       TEXT    NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
  content    TEXT    NOT NULL,
  sources    TEXT,
  model_name TEXT,
  status     TEXT    NOT NULL DEFAULT 'complete'
             CHECK (status IN ('complete', 'streaming', 'stopped', 'interrupted', 'failed')),
  error      TEXT,
  created_at TEXT    NOT NULL,
  updated_at TEXT    NOT NULL
);
CREATE INDEX messages_chat ON messages (chat_id, id);
CREATE INDEX messages_streaming ON messages (status) WHERE status = 'streaming';

CREATE TABLE documents (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id  INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  filename    TEXT    NOT NULL,
  file_size   INTEGER NOT NULL DEFAULT 0,
  status      TEXT    NOT NULL DEFAULT 'pending',
  chunk_count INTEGER NOT NULL DEFAULT 0,
  created_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);
CREATE INDEX documents_project ON documents (project_id, created_at);

CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;
