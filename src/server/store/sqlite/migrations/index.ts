import { sql as initial } from './001-initial.ts';
import { sql as documents } from './002-documents.ts';
import { sql as vectorBacklog } from './003-vector-backlog.ts';
import { sql as projectImporting } from './004-project-importing.ts';
import { sql as accounts } from './005-accounts.ts';
import { sql as chatModel } from './006-chat-model.ts';
import { sql as answerVersions } from './007-answer-versions.ts';
import { sql as messageTree } from './008-message-tree.ts';
import { sql as analyzedFullText } from './009-analyzed-full-text.ts';
import { sql as vectorChanges } from './010-vector-changes.ts';

/** Ordered schema migrations; `PRAGMA user_version` records how many have run. Never edit a shipped one. */
export const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'documents', sql: documents },
  { version: 3, name: 'vector-backlog', sql: vectorBacklog },
  { version: 4, name: 'project-importing', sql: projectImporting },
  { version: 5, name: 'accounts', sql: accounts },
  { version: 6, name: 'chat-model', sql: chatModel },
  { version: 7, name: 'answer-versions', sql: answerVersions },
  { version: 8, name: 'message-tree', sql: messageTree },
  { version: 9, name: 'analyzed-full-text', sql: analyzedFullText },
  { version: 10, name: 'vector-changes', sql: vectorChanges },
];
