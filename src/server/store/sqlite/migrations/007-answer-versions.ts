/**
 * Answer versions: a regenerated answer is another assistant message under the same question
 * (`parent_id`, the question's id); `is_active` marks the version shown and sent as history.
 * Old rows (no parent, active) are the linear case.
 */
export const sql = /* sql */ `
ALTER TABLE messages ADD COLUMN parent_id INTEGER;
ALTER TABLE messages ADD COLUMN is_active INTEGER NOT NULL DEFAULT 1;
CREATE INDEX messages_parent ON messages (parent_id) WHERE parent_id IS NOT NULL;
`;
