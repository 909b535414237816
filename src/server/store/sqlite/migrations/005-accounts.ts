/**
 * Accounts: users, their credentials (sign-in sessions and API keys, stored as sha256 of an opaque
 * random token, so a copy of the database holds no usable token), project memberships, and the
 * creator of each chat (chats are private to it; NULL for chats made without accounts).
 */
export const sql = /* sql */ `
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT    NOT NULL,
  name          TEXT,
  role          TEXT    NOT NULL CHECK (role IN ('admin', 'user')),
  password_hash TEXT    NOT NULL,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);

CREATE TABLE credentials (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind         TEXT    NOT NULL CHECK (kind IN ('session', 'api_key')),
  name         TEXT,
  token_hash   TEXT    NOT NULL UNIQUE,
  created_at   TEXT    NOT NULL,
  expires_at   TEXT,
  last_used_at TEXT
);
CREATE INDEX credentials_user ON credentials (user_id, kind);

CREATE TABLE project_members (
  project_id INTEGER NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       TEXT    NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
  created_at TEXT    NOT NULL,
  PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX project_members_user ON project_members (user_id, project_id);

ALTER TABLE chats ADD COLUMN created_by INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX chats_creator ON chats (project_id, created_by);
`;
