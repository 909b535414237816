import fastifyMultipart from '@fastify/multipart';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IdParam } from '../../../protocol/ids.ts';
import { ErrorResponse, ProjectCreateBody, ProjectResponse } from '../../../protocol/rest.ts';
import { ValidationError } from '../../errors.ts';
import type { DocumentFiles } from '../../ingest/document-files.ts';
import { receiveUpload, type ReceivedUpload } from '../../ingest/upload-intake.ts';
import type { ProjectArchiveService } from '../../portability/project-archive-service.ts';
import { requestActor } from '../request-actor.ts';
import { contentDisposition } from '../content-disposition.ts';
import { presentProject } from '../presenters.ts';

export interface ProjectArchiveRoutesOptions {
  archives: ProjectArchiveService;
  files: DocumentFiles;
  maxImportBytes: number;
}

/** The optional `name` form field of an import. */
const ImportName = ProjectCreateBody.shape.name;
const tags = ['projects'];

/** One-file project export (a streamed zip download) and import (multipart upload → a new project). */
export const projectArchiveRoutes: FastifyPluginAsyncZod<ProjectArchiveRoutesOptions> = async (app, options) => {
  const { archives, files, maxImportBytes } = options;
  await app.register(fastifyMultipart, {
    throwFileSizeLimit: false,
    limits: { fileSize: maxImportBytes, files: 1, fields: 5, fieldSize: 4 * 1024, parts: 6, headerPairs: 200 },
  });

  app.get('/api/projects/:project_id/export', {
    schema: {
      tags,
      summary: 'Download the whole project as one archive (zip; docs/project-archive.md)',
      params: z.object({ project_id: IdParam }),
    },
    handler: async (request, reply) => {
      const { project, stream } = await archives.export(requestActor(request), request.params.project_id);
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', contentDisposition('attachment', `${project.name}.daa.zip`))
        .header('x-content-type-options', 'nosniff')
        .send(stream);
    },
  });

  app.post('/api/projects/import', {
    schema: {
      tags,
      summary: 'Import a project archive (multipart field `file`, optional field `name`) as a new project',
      consumes: ['multipart/form-data'],
      response: { 201: ProjectResponse, 409: ErrorResponse, 413: ErrorResponse, 422: ErrorResponse },
    },
    handler: async (request, reply) => {
      if (!request.isMultipart()) throw new ValidationError("Send the archive as multipart/form-data in the field 'file'");
      let upload: ReceivedUpload | undefined;
      let name: string | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file' || upload) {
              part.file.resume();
              continue;
            }
            upload = await receiveUpload({
              stream: part.file,
              tempPath: files.newTempPath(),
              maxBytes: maxImportBytes,
              truncated: () => part.file.truncated,
            });
          } else if (part.fieldname === 'name') {
            const parsed = ImportName.safeParse(part.value);
            if (!parsed.success) throw new ValidationError(`name: ${parsed.error.issues[0]?.message}`);
            name = parsed.data;
          }
        }
        if (!upload) throw new ValidationError("The multipart field 'file' is missing");
        const outcome = await archives.import(requestActor(request), { archivePath: upload.tempPath, name });
        // Whoever imports a project owns it (project-archive-service.ts).
        const actor = requestActor(request);
        return reply.code(201).send(presentProject(outcome.project, actor.kind === 'user' ? 'owner' : undefined));
      } finally {
        if (upload) await files.removeTemp(upload.tempPath);
      }
    },
  });
};
