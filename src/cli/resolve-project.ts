import type { Backend, ProjectRef } from './backend/backend.ts';
import { CliError } from './cli-error.ts';

/**
 * `--project` is a name or an id: an existing name wins over an id (a project may be called "2026"),
 * then a number is taken as an id. With `create`, a new name creates the project.
 */
export async function resolveProject(
  backend: Backend,
  nameOrId: string,
  options: { create: boolean },
): Promise<{ project: ProjectRef; created: boolean }> {
  const name = nameOrId.trim();
  if (!name) throw new CliError('--project needs a project name or id');
  const byName = await backend.findProjectByName(name);
  if (byName) return { project: byName, created: false };
  if (/^\d+$/.test(name)) {
    const byId = await backend.getProject(Number(name));
    if (byId) return { project: byId, created: false };
  }
  if (!options.create) {
    throw new CliError(`There is no project '${name}' (in ${backend.location}); daa ingest --project '${name}' creates it`);
  }
  return { project: await backend.createProject(name), created: true };
}
