import { z } from 'zod';
import { DocumentStage, DocumentStatus } from '../../protocol/documents.ts';
import { Source } from '../../protocol/source.ts';

/**
 * The server's answers as the command line reads them: minimal and lenient (extra fields are fine, a
 * newer server may add some), checked before use like any outside input.
 */
export const ProjectBody = z.object({ id: z.number().int(), name: z.string() }).passthrough();
export const ChatBody = z.object({ id: z.number().int(), project_id: z.number().int() }).passthrough();
export const UploadBody = z
  .object({
    document: z
      .object({
        id: z.number().int(),
        status: DocumentStatus,
        stage: DocumentStage,
        progress: z.number(),
        error_message: z.string().nullish(),
      })
      .passthrough(),
  })
  .passthrough();
export const DocumentBody = UploadBody.shape.document;
export const DuplicateBody = z.object({ detail: z.string(), duplicate_of: z.number().int().optional() }).passthrough();

export const DocumentStatusEvent = z
  .object({
    document_id: z.number().int(),
    status: DocumentStatus,
    progress: z.number(),
    stage: DocumentStage.optional(),
    error: z.string().nullish(),
    chunks_total: z.number().int().optional(),
  })
  .passthrough();

export const MessageReceivedEvent = z.object({ chat_id: z.number().int() }).passthrough();
export const MessageSourcesEvent = z.object({ chat_id: z.number().int(), sources: z.array(Source) }).passthrough();
export const MessageTokenEvent = z.object({ chat_id: z.number().int(), token: z.string() }).passthrough();
export const MessageCompleteEvent = z
  .object({
    chat_id: z.number().int(),
    message_id: z.number().int(),
    metadata: z
      .object({ model: z.string(), status: z.enum(['complete', 'stopped', 'interrupted']).optional(), stopped: z.boolean().optional() })
      .passthrough(),
  })
  .passthrough();
export const ErrorEvent = z
  .object({ message: z.string(), chat_id: z.number().int().optional(), code: z.string().optional() })
  .passthrough();

/** An import answers with the new project, bare or under `project`. */
export const ImportBody = z
  .union([z.object({ project: ProjectBody }), ProjectBody])
  .transform((body) =>
    'project' in body && typeof body.project === 'object'
      ? (body.project as z.infer<typeof ProjectBody>)
      : (body as z.infer<typeof ProjectBody>),
  );
