/** The chat model chosen for one chat (NULL: the project's or global default). */
export const sql = /* sql */ `
ALTER TABLE chats ADD COLUMN model TEXT;
`;
