/**
 * A project being imported is written in many short transactions; until the last one it is marked
 * `importing` (and soft-deleted, so that every live-project query already skips it). Trash listings
 * skip it too; start-up recovery removes any left by a crash.
 */
export const sql = /* sql */ `
ALTER TABLE projects ADD COLUMN importing INTEGER NOT NULL DEFAULT 0;
CREATE INDEX projects_importing ON projects (importing) WHERE importing = 1;
`;
