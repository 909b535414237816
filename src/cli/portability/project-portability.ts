/**
 * One-file project export and import, as the command line needs them. The archive format and its
 * domain module are built separately (src/server/portability/); the remote implementation speaks its
 * REST routes, the local one is an adapter to wire once that module is merged.
 */
export interface ProjectPortability {
  /** Writes the project's archive to `output` (replaced only once the whole file has arrived). */
  exportProject(input: { projectId: number; output: string }): Promise<{ bytes: number }>;
  /** Creates a new project from the archive at `file`, named `name` when given. */
  importProject(input: { file: string; name?: string }): Promise<{ projectId: number; name: string }>;
}
