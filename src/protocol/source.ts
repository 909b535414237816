import { z } from 'zod';

/**
 * Where a retrieved passage comes from. The seed's fields (`document_id`, `chunk_index`, `start_char`,
 * `end_char`, `filename`) plus the positions the original never filled: `page` (PDF), `heading`
 * (DOCX/MD), `sheet` and `rows` (XLSX/CSV).
 */
export const SourceMetadata = z
  .object({
    document_id: z.number().int(),
    filename: z.string(),
    chunk_index: z.number().int(),
    start_char: z.number().int(),
    end_char: z.number().int(),
    page: z.number().int().nullish(),
    heading: z.string().nullish(),
    sheet: z.string().nullish(),
    rows: z.string().nullish(),
  })
  .catchall(z.unknown());
export type SourceMetadata = z.infer<typeof SourceMetadata>;

/** A retrieved passage, sent in `message_sources` and saved with the assistant message. */
export const Source = z.object({
  id: z.string(),
  content: z.string(),
  metadata: SourceMetadata,
  /** 0–1, higher is better. */
  score: z.number().min(0).max(1),
});
export type Source = z.infer<typeof Source>;
