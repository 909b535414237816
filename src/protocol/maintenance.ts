import { z } from 'zod';

/** The original's `/api/maintenance/*` bodies, with what we add named in each `.describe`. */

export const FileStorageStats = z.object({
  total_files: z.number().int(),
  total_size_bytes: z.number().int(),
  total_size_mb: z.number(),
});

export const MaintenanceStatusResponse = z.object({
  vectorstore_stats: z.object({
    total_collections: z.number().int(),
    collections: z.array(
      z.object({
        name: z.string().describe('project_{project_id}_index_{index_id}: one embedding index version'),
        metadata: z.object({
          project_id: z.number().int(),
          project_name: z.string().nullable(),
          provider: z.string(),
          model: z.string(),
          dimensions: z.number().int(),
          status: z.enum(['building', 'active']),
        }),
        count: z.number().int(),
      }),
    ),
  }),
  file_storage_stats: FileStorageStats,
});

export const RecalculateCountsResponse = z.object({
  status: z.enum(['success', 'error']),
  total_projects: z.number().int(),
  updated_projects: z.number().int(),
  projects: z.array(
    z.object({
      project_id: z.number().int(),
      project_name: z.string(),
      old_count: z.number().int().describe('documents: counted live, so old and new are the same'),
      new_count: z.number().int(),
      updated: z.boolean().describe('whether the stored chunk counts of its documents were corrected'),
      old_chunk_count: z.number().int(),
      new_chunk_count: z.number().int(),
    }),
  ),
  message: z.string(),
});

export const VectorstoreCleanupResponse = z.object({
  status: z.enum(['success', 'error']),
  cleaned_items: z.number().int(),
  cleaned_size_bytes: z.number().int(),
  active_collections: z.array(z.string()),
  message: z.string(),
  orphaned_vectors: z.number().int().describe('vectors whose chunk is gone'),
  orphaned_indexes: z.number().int().describe('vector storage of index versions that are retired or gone'),
  orphaned_files: z.number().int().describe('stored files no document refers to'),
});
