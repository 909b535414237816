import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  DocumentFileType,
  DocumentResponse,
  DocumentStage,
  DocumentStatus,
  ParseFailureReason,
} from '../../../src/protocol/documents.ts';
import type { ChatProvider, EmbeddingProvider } from '../../../src/protocol/llm.ts';
import type { MessageRole, MessageStatus } from '../../../src/protocol/messages.ts';
import type { InstalledModelsResponse } from '../../../src/protocol/models.ts';
import type { SettingsResponse } from '../../../src/protocol/settings.ts';
import type { DocumentStatusEvent } from '../../../src/protocol/socket-events.ts';
import { type AppErrorCode, BusyError, DatabaseBusyError, LlmError, type NotFoundError } from '../../../src/server/errors.ts';
import { statusForAppError } from '../../../src/server/http/error-handler.ts';
import type { DocumentParseError } from '../../../src/server/ingest/parsed-document.ts';
import type { ChatModel, ChatMessage } from '../../../src/server/llm/chat-model.ts';
import type { Embedder } from '../../../src/server/llm/embedder.ts';
import type { DocumentRecord, MessageRecord } from '../../../src/server/store/store.ts';
import type { DocumentResponse as WebDocumentResponse } from '../../../src/web/api/documents.ts';
import type { AppSettings, InstalledModels } from '../../../src/web/api/settings.ts';

// Checked by `tsc` (npm run typecheck): a copy of a union that drifts from its protocol enum fails to compile.
describe('one typed contract', () => {
  it('server and web use the protocol enums, not copies', () => {
    expectTypeOf<DocumentRecord['status']>().toEqualTypeOf<DocumentStatus>();
    expectTypeOf<DocumentRecord['stage']>().toEqualTypeOf<DocumentStage>();
    expectTypeOf<DocumentRecord['fileType']>().toEqualTypeOf<DocumentFileType>();
    expectTypeOf<DocumentStatusEvent['status']>().toEqualTypeOf<DocumentStatus>();
    expectTypeOf<DocumentParseError['reason']>().toEqualTypeOf<ParseFailureReason>();
    expectTypeOf<MessageRecord['role']>().toEqualTypeOf<MessageRole>();
    expectTypeOf<MessageRecord['status']>().toEqualTypeOf<MessageStatus>();
    expectTypeOf<ChatMessage['role']>().toEqualTypeOf<MessageRole>();
    expectTypeOf<ChatModel['provider']>().toEqualTypeOf<ChatProvider>();
    expectTypeOf<Embedder['provider']>().toEqualTypeOf<EmbeddingProvider>();
    expectTypeOf<WebDocumentResponse>().toEqualTypeOf<DocumentResponse>();
    expectTypeOf<AppSettings>().toEqualTypeOf<SettingsResponse>();
    expectTypeOf<InstalledModels>().toEqualTypeOf<InstalledModelsResponse>();
  });

  it('every AppErrorCode has its HTTP status; a busy database is 503, a busy chat 409', () => {
    expectTypeOf<NotFoundError['code']>().toExtend<AppErrorCode>();
    expect(statusForAppError(new DatabaseBusyError())).toBe(503);
    expect(statusForAppError(new BusyError('An answer is already being generated'))).toBe(409);
    expect(statusForAppError(new LlmError('llm_timeout', 'Ollama stalled'))).toBe(504);
  });
});
