import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LOCAL_ACTOR } from '../../server/access/actor.ts';
import type { ProjectArchiveService } from '../../server/portability/project-archive-service.ts';
import { CliError } from '../cli-error.ts';
import type { ProjectPortability } from './project-portability.ts';

/**
 * Export and import with no server running: the domain's ProjectArchiveService on the local data
 * dir. The export streams to a temp file next to `output` and is renamed only once complete; the
 * import reads the archive where it lies (it is unpacked and checked in the data dir's temp folder).
 */
export class LocalProjectPortability implements ProjectPortability {
  constructor(private readonly archives: ProjectArchiveService) {}

  async exportProject(input: { projectId: number; output: string }): Promise<{ bytes: number }> {
    const { stream } = await this.archives.export(LOCAL_ACTOR, input.projectId);
    const output = path.resolve(input.output);
    const temporary = `${output}.${process.pid}.part`;
    try {
      await pipeline(stream, fs.createWriteStream(temporary, { flags: 'wx' }));
      await fs.promises.rename(temporary, output);
    } catch (error) {
      await fs.promises.rm(temporary, { force: true });
      throw new CliError(`Cannot write '${input.output}': ${(error as Error).message}`, undefined, { cause: error });
    }
    return { bytes: (await fs.promises.stat(output)).size };
  }

  async importProject(input: { file: string; name?: string }): Promise<{ projectId: number; name: string }> {
    try {
      await fs.promises.access(input.file, fs.constants.R_OK);
    } catch (error) {
      throw new CliError(`Cannot read '${input.file}'`, undefined, { cause: error });
    }
    const { project } = await this.archives.import(LOCAL_ACTOR, { archivePath: path.resolve(input.file), name: input.name });
    return { projectId: project.id, name: project.name };
  }
}
