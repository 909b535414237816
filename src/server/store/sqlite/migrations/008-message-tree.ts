/**
 * The message tree: every message has a parent (an answer its question; a question the message it
 * follows, or none for a chat's first question; an edited question its original's parent), and
 * `is_active` marks the child shown among siblings. Rows from before (answers and questions without
 * a parent) get the parent the linear chat implied: an answer the question before it, a question
 * the answer it followed (the active one of the question before it that existed then, else the
 * latest; or that question when it had no answer). So a parent's id is always below its child's,
 * and a turn regenerated after later questions keeps those under the version they followed. Plus
 * thumbs up / down feedback on a message.
 * Plain SQL both stores run as is (the PostgreSQL store's migration 3 is this text).
 */
export const sql = /* sql */ `
ALTER TABLE messages ADD COLUMN feedback TEXT CHECK (feedback IN ('up', 'down'));
UPDATE messages SET parent_id = (
  SELECT max(q.id) FROM messages q WHERE q.chat_id = messages.chat_id AND q.role = 'user' AND q.id < messages.id
) WHERE role <> 'user' AND parent_id IS NULL;
UPDATE messages SET parent_id = COALESCE(
  (SELECT a.id FROM messages a
    WHERE a.chat_id = messages.chat_id AND a.role <> 'user' AND a.id < messages.id
      AND a.parent_id = (SELECT max(p.id) FROM messages p WHERE p.chat_id = messages.chat_id AND p.role = 'user' AND p.id < messages.id)
    ORDER BY a.is_active DESC, a.id DESC LIMIT 1),
  (SELECT max(p.id) FROM messages p WHERE p.chat_id = messages.chat_id AND p.role = 'user' AND p.id < messages.id)
) WHERE role = 'user' AND parent_id IS NULL;
CREATE INDEX messages_chat_parent ON messages (chat_id, parent_id);
`;
