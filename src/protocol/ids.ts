import { z } from 'zod';

/**
 * A database id as clients send it. The seed's clients send numbers (`project_id: 1`); some send the
 * same number as a string taken from a URL. Both are accepted; anything else is refused.
 */
export const Id = z
  .union([
    z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
    z
      .string()
      .regex(/^[1-9]\d{0,14}$/, 'must be a positive integer')
      .transform(Number),
  ])
  .describe('positive integer id');
export type Id = z.infer<typeof Id>;

/** Route params `{id}` are strings in the URL; they must be positive integers. */
export const IdParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
