import fs from 'node:fs';
import fastifyMultipart from '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BulkDeleteBody,
  BulkDeleteResponse,
  BulkUploadResponse,
  DocumentListQuery,
  DocumentPassagesQuery,
  DocumentPassagesResponse,
  DocumentResponse,
  DocumentSearchQuery,
  DocumentSearchResponse,
  DocumentUpdateBody,
  DocumentUploadResponse,
  DuplicateResponse,
} from '../../../protocol/documents.ts';
import { IdParam } from '../../../protocol/ids.ts';
import { ErrorResponse } from '../../../protocol/rest.ts';
import { AppError, BadRequestError, DuplicateDocumentError, NotFoundError, PayloadTooLargeError, ValidationError } from '../../errors.ts';
import type { DocumentFiles } from '../../ingest/document-files.ts';
import type { DocumentService } from '../../ingest/document-service.ts';
import { receiveUpload, type ReceivedUpload } from '../../ingest/upload-intake.ts';
import type { AbuseLimits } from '../../access/abuse-limits.ts';
import type { AccessPolicy } from '../../access/access-policy.ts';
import type { Store } from '../../store/store.ts';
import { contentDisposition } from '../content-disposition.ts';
import { presentDocument, presentPassage } from '../document-presenter.ts';
import { requestActor } from '../request-actor.ts';

export interface DocumentRoutesOptions {
  store: Store;
  access: AccessPolicy;
  documents: DocumentService;
  /** Upload requests per user per minute (RATE_LIMIT_UPLOADS_PER_MINUTE). */
  limits: Pick<AbuseLimits, 'consumeUpload'>;
  files: DocumentFiles;
  maxUploadBytes: number;
  maxFiles: number;
}

const ProjectParams = z.object({ project_id: IdParam });
const DocumentParams = z.object({ document_id: IdParam });
const ProjectDocumentParams = z.object({ project_id: IdParam, document_id: IdParam });
const tags = ['documents'];
/** Past a refused upload, at most this much of the rest is read before the connection is closed. */
const MAX_UNREAD_DRAIN_BYTES = 64 * 1024;
/** @fastify/multipart's limit errors: the request as a whole is too big. */
const MULTIPART_LIMIT_CODES = new Set(['FST_FILES_LIMIT', 'FST_PARTS_LIMIT', 'FST_FIELDS_LIMIT']);

type ReceivedPart = { filename: string | undefined; upload: ReceivedUpload } | { filename: string | undefined; error: AppError };

/** `/api/.../documents`: the original's routes and fields, with streamed uploads and typed errors. */
export const documentRoutes: FastifyPluginAsyncZod<DocumentRoutesOptions> = async (app, options) => {
  const { store, access, documents, limits, files, maxUploadBytes, maxFiles } = options;
  // Encapsulated: multipart parsing exists only on these routes. Past the size limit the parser stops
  // feeding the file and flags it; upload-intake turns that into 413 and removes the temp file.
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: maxUploadBytes, files: maxFiles, fields: 20, fieldSize: 64 * 1024, parts: maxFiles + 20, headerPairs: 200 },
  });

  function sendDuplicate(reply: FastifyReply, error: DuplicateDocumentError) {
    return reply.code(409).send({ detail: error.message, code: 'duplicate' as const, duplicate_of: error.existingId });
  }

  app.post('/api/projects/:project_id/documents', {
    schema: {
      tags,
      summary: 'Upload one document (multipart field `file`)',
      consumes: ['multipart/form-data'],
      params: ProjectParams,
      response: { 201: DocumentUploadResponse, 404: ErrorResponse, 409: DuplicateResponse, 413: ErrorResponse, 415: ErrorResponse },
    },
    handler: async (request, reply) => {
      const project = await access.requireProject(requestActor(request), request.params.project_id, 'write');
      await limits.consumeUpload(requestActor(request));
      if (!request.isMultipart()) throw new ValidationError("Send the file as multipart/form-data in the field 'file'");
      const [part] = await receiveParts(request, reply, { maxParts: 1, partFailsAlone: false });
      if (!part) throw new ValidationError("The multipart field 'file' is missing");
      if ('error' in part) throw part.error;
      try {
        const document = await documents.addUpload(requestActor(request), {
          projectId: project.id,
          filename: part.filename,
          upload: part.upload,
        });
        return reply.code(201).send({
          document: presentDocument(document),
          message: 'Document uploaded successfully and queued for processing',
        });
      } catch (error) {
        if (error instanceof DuplicateDocumentError) return sendDuplicate(reply, error);
        throw error;
      }
    },
  });

  app.post('/api/projects/:project_id/documents/bulk', {
    schema: {
      tags,
      summary: 'Upload several documents (repeated multipart field `files`); each succeeds or fails on its own',
      consumes: ['multipart/form-data'],
      params: ProjectParams,
      response: { 200: BulkUploadResponse, 404: ErrorResponse },
    },
    handler: async (request, reply) => {
      const project = await access.requireProject(requestActor(request), request.params.project_id, 'write');
      await limits.consumeUpload(requestActor(request));
      if (!request.isMultipart()) throw new ValidationError("Send the files as multipart/form-data in the field 'files'");
      const uploaded: DocumentResponse[] = [];
      const failed: z.infer<typeof BulkUploadResponse>['failed'] = [];
      // Every file is on disk before any is added: a request refused as a whole stores nothing.
      const parts = await receiveParts(request, reply, { maxParts: maxFiles, partFailsAlone: true });
      for (const [index, part] of parts.entries()) {
        const filename = part.filename || 'document';
        try {
          if ('error' in part) throw part.error;
          uploaded.push(
            presentDocument(
              await documents.addUpload(requestActor(request), { projectId: project.id, filename: part.filename, upload: part.upload }),
            ),
          );
        } catch (error) {
          if (!(error instanceof AppError) || !error.expose) {
            await removeReceived(parts.slice(index + 1));
            throw error;
          }
          failed.push({
            filename,
            error: error.message,
            code: error.code,
            ...(error instanceof DuplicateDocumentError ? { duplicate_of: error.existingId } : {}),
          });
        }
      }
      const total = uploaded.length + failed.length;
      if (total === 0) throw new ValidationError("The multipart field 'files' is missing");
      return { uploaded, failed, total, successful: uploaded.length, failed_count: failed.length };
    },
  });

  /**
   * Streams every file part of the request to a temp file. A malformed body (no boundary, wrong
   * boundary, cut short) is a 400; more files than allowed is a 413 for the whole request. Either way
   * the temp files already written are removed. With `partFailsAlone`, a file past the size limit is
   * one failed part; otherwise it refuses the request. A refused request stops being read.
   */
  async function receiveParts(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { maxParts: number; partFailsAlone: boolean },
  ): Promise<ReceivedPart[]> {
    const received: ReceivedPart[] = [];
    try {
      for await (const part of request.files() as AsyncIterable<MultipartFile>) {
        if (received.length >= options.maxParts) throw tooManyFiles(options.maxParts);
        try {
          const upload = await receiveUpload({
            stream: part.file,
            tempPath: files.newTempPath(),
            maxBytes: maxUploadBytes,
            truncated: () => part.file.truncated,
          });
          received.push({ filename: part.filename, upload });
        } catch (error) {
          if (!(error instanceof PayloadTooLargeError) || !options.partFailsAlone) throw error;
          received.push({ filename: part.filename, error });
        }
      }
    } catch (error) {
      await removeReceived(received);
      const refusal = asUploadError(error, options.maxParts);
      if (refusal instanceof PayloadTooLargeError) stopReading(request, reply);
      throw refusal;
    }
    return received;
  }

  async function removeReceived(parts: ReceivedPart[]): Promise<void> {
    await Promise.all(parts.map((part) => ('upload' in part ? files.removeTemp(part.upload.tempPath) : undefined)));
  }

  app.get('/api/projects/:project_id/documents', {
    schema: {
      tags,
      params: ProjectParams,
      querystring: DocumentListQuery,
      response: { 200: z.array(DocumentResponse), 404: ErrorResponse },
    },
    handler: async (request) => {
      const project = await access.requireProject(requestActor(request), request.params.project_id, 'read');
      const { skip, limit, status_filter: status } = request.query;
      return (await store.documents.list({ projectId: project.id, status, skip, limit })).map(presentDocument);
    },
  });

  app.get('/api/projects/:project_id/documents/search', {
    schema: {
      tags,
      params: ProjectParams,
      querystring: DocumentSearchQuery,
      response: { 200: DocumentSearchResponse, 404: ErrorResponse },
    },
    handler: async (request) => {
      const project = await access.requireProject(requestActor(request), request.params.project_id, 'read');
      const found = await store.documents.search({ projectId: project.id, query: request.query.q, limit: request.query.limit });
      return { documents: found.map(presentDocument), total: found.length, query: request.query.q };
    },
  });

  app.get('/api/projects/:project_id/documents/:document_id/chunks', {
    schema: {
      tags,
      summary: "One page of a document's passages (chunks in order) with their page, heading, sheet and rows",
      params: ProjectDocumentParams,
      querystring: DocumentPassagesQuery,
      response: { 200: DocumentPassagesResponse, 404: ErrorResponse },
    },
    handler: async (request) => {
      const { offset, limit } = request.query;
      const { document, passages, total } = await documents.passages(requestActor(request), {
        projectId: request.params.project_id,
        documentId: request.params.document_id,
        offset,
        limit,
      });
      return { document_id: document.id, filename: document.filename, passages: passages.map(presentPassage), total, offset, limit };
    },
  });

  app.get('/api/documents/:document_id', {
    schema: { tags, params: DocumentParams, response: { 200: DocumentResponse, 404: ErrorResponse } },
    handler: async (request) => presentDocument(await access.requireDocument(requestActor(request), request.params.document_id, 'read')),
  });

  app.patch('/api/documents/:document_id', {
    schema: { tags, params: DocumentParams, body: DocumentUpdateBody, response: { 200: DocumentResponse, 404: ErrorResponse } },
    handler: async (request) =>
      presentDocument(
        await documents.update(requestActor(request), request.params.document_id, {
          filename: request.body.filename,
          docMetadata: request.body.doc_metadata,
        }),
      ),
  });

  app.delete('/api/documents/:document_id', {
    schema: { tags, params: DocumentParams, response: { 204: z.null(), 404: ErrorResponse } },
    handler: async (request, reply) => {
      await documents.delete(requestActor(request), request.params.document_id);
      return reply.code(204).send(null);
    },
  });

  app.post('/api/documents/bulk-delete', {
    schema: { tags, body: BulkDeleteBody, response: { 200: BulkDeleteResponse } },
    handler: async (request) => {
      const deleted: number[] = [];
      const failed: Array<{ document_id: number; error: string }> = [];
      for (const id of new Set(request.body.document_ids)) {
        try {
          await documents.delete(requestActor(request), id);
          deleted.push(id);
        } catch (error) {
          if (!(error instanceof NotFoundError)) throw error;
          failed.push({ document_id: id, error: 'Document not found' });
        }
      }
      return { deleted, failed, total: deleted.length + failed.length, successful: deleted.length, failed_count: failed.length };
    },
  });

  app.post('/api/documents/:document_id/reprocess', {
    schema: { tags, params: DocumentParams, response: { 202: DocumentResponse, 404: ErrorResponse } },
    handler: async (request, reply) =>
      reply.code(202).send(presentDocument(await documents.reprocess(requestActor(request), request.params.document_id))),
  });

  app.get('/api/documents/:document_id/download', {
    schema: { tags, params: DocumentParams },
    handler: async (request, reply) => {
      const document = await access.requireDocument(requestActor(request), request.params.document_id, 'read');
      const filePath = document.storedName ? files.pathOf(document.projectId, document.storedName) : undefined;
      const stat = filePath ? await fs.promises.stat(filePath).catch(() => undefined) : undefined;
      if (!filePath || !stat) throw new NotFoundError('Document file not found on disk');
      reply
        .header('content-type', document.mimeType)
        .header('content-length', stat.size)
        .header('content-disposition', contentDisposition('inline', document.filename))
        .header('x-content-type-options', 'nosniff');
      // An uploaded HTML file must not run as our origin when opened inline.
      if (document.fileType !== 'pdf') reply.header('content-security-policy', "sandbox; default-src 'none'; style-src 'unsafe-inline'");
      return reply.send(fs.createReadStream(filePath));
    },
  });
};

/** The parser's failures as the client's errors: one sentence, a 4xx, never the 500 they were. */
function asUploadError(error: unknown, maxFiles: number): unknown {
  if (error instanceof AppError) return error;
  const code = (error as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT') return tooManyFiles(maxFiles);
  if (code && MULTIPART_LIMIT_CODES.has(code)) return new PayloadTooLargeError('The upload has too many form fields for one request');
  if (code === 'FST_PROTO_VIOLATION') return new BadRequestError('The upload has a form field with a forbidden name');
  return new BadRequestError('The upload is not valid multipart/form-data (missing or wrong boundary, or the body was cut short)', {
    cause: error,
  });
}

function tooManyFiles(maxFiles: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`At most ${maxFiles} file${maxFiles === 1 ? '' : 's'} can be uploaded in one request`);
}

/**
 * After a 413 the rest of the body is not wanted: when more than a little of it is still to come,
 * the reply closes the connection and the request is no longer read.
 */
function stopReading(request: FastifyRequest, reply: FastifyReply): void {
  const declared = Number(request.headers['content-length']);
  const unread = Number.isFinite(declared) ? declared - request.raw.socket.bytesRead : Infinity;
  if (unread <= MAX_UNREAD_DRAIN_BYTES) return;
  request.raw.unpipe();
  request.raw.pause();
  reply.header('connection', 'close');
}
