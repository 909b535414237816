import { CliError } from '../cli-error.ts';
import type { ProjectPortability } from './project-portability.ts';

const NOT_AVAILABLE =
  'Export and import without a running server are not available in this build; start `daa serve` and run the command again';

/**
 * INTEGRATION POINT — the local adapter of export / import. The archive format's domain module
 * (src/server/portability/, built on another branch) is not merged yet; once it is, this class calls
 * it with the local domain (e.g. `new LocalProjectPortability(domain.portability)`, with LOCAL_ACTOR)
 * instead of throwing. Until then, export and import work only against a running server.
 */
export class LocalProjectPortability implements ProjectPortability {
  async exportProject(): Promise<{ bytes: number }> {
    throw new CliError(NOT_AVAILABLE);
  }

  async importProject(): Promise<{ projectId: number; name: string }> {
    throw new CliError(NOT_AVAILABLE);
  }
}
