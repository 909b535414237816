import { z } from 'zod';

export const DEFAULT_CHUNK_SIZE = 1000;
export const DEFAULT_CHUNK_OVERLAP = 200;

const Size = z.coerce.number().int().min(100).max(32_000).optional().catch(undefined);
const Overlap = z.coerce.number().int().min(0).max(16_000).optional().catch(undefined);

/** Chunk size and overlap (characters): project `chunk_size`/`chunk_overlap` > global defaults > 1000/200. */
export function resolveChunkingSettings(options: {
  projectSettings: Record<string, unknown>;
  globalSettings: Record<string, unknown>;
}): { chunkSize: number; chunkOverlap: number } {
  const { projectSettings, globalSettings } = options;
  const chunkSize = Size.parse(projectSettings.chunk_size) ?? Size.parse(globalSettings.default_chunk_size) ?? DEFAULT_CHUNK_SIZE;
  const overlap =
    Overlap.parse(projectSettings.chunk_overlap) ?? Overlap.parse(globalSettings.default_chunk_overlap) ?? DEFAULT_CHUNK_OVERLAP;
  // An overlap as large as the chunk would never advance.
  return { chunkSize, chunkOverlap: Math.min(overlap, Math.floor(chunkSize / 2)) };
}
