import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CliError } from '../cli-error.ts';
import { type RestClient, RestError } from '../backend/rest-client.ts';
import { ImportBody } from '../backend/server-events.ts';
import type { ProjectPortability } from './project-portability.ts';

/**
 * Export and import through a running server's REST routes: `GET /api/projects/{id}/export` (the
 * archive, streamed to a temp file next to `output`, then renamed) and `POST /api/projects/import`
 * (multipart `file`, optional `name`), streamed from disk.
 */
export class RemoteProjectPortability implements ProjectPortability {
  constructor(private readonly rest: RestClient) {}

  async exportProject(input: { projectId: number; output: string }): Promise<{ bytes: number }> {
    const response = await this.rest.send('GET', `/api/projects/${input.projectId}/export`).catch((error: unknown) => {
      throw this.mapped(error, 'export');
    });
    if (!response.body) throw new CliError(`The server at ${this.rest.baseUrl} sent an empty export`);
    const output = path.resolve(input.output);
    const temporary = `${output}.${process.pid}.part`;
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream), fs.createWriteStream(temporary, { flags: 'wx' }));
      await fs.promises.rename(temporary, output);
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      throw new CliError(`Cannot write '${input.output}': ${(error as Error).message}`, undefined, { cause: error });
    }
    return { bytes: (await fs.promises.stat(output)).size };
  }

  async importProject(input: { file: string; name?: string }): Promise<{ projectId: number; name: string }> {
    const form = new FormData();
    if (input.name !== undefined) form.append('name', input.name);
    form.append('file', await fs.openAsBlob(input.file), path.basename(input.file));
    const body = await this.rest.json(ImportBody, 'POST', '/api/projects/import', { body: form }).catch((error: unknown) => {
      throw this.mapped(error, 'import');
    });
    return { projectId: body.id, name: body.name };
  }

  private mapped(error: unknown, what: 'export' | 'import'): unknown {
    if (!(error instanceof RestError)) return error;
    // The 404 of a route the server does not have: a server older than the portability routes.
    if (error.status === 404 && /^Not found: (GET|POST) /.test(error.detail)) {
      return new CliError(`The server at ${this.rest.baseUrl} cannot ${what} projects (it has no ${what} route); update it`, undefined, {
        cause: error,
      });
    }
    return new CliError(error.detail, undefined, { cause: error });
  }
}
