import { z } from 'zod';

/**
 * The only spelling of an id in text: decimal digits, no sign, no leading zero, no spaces, no
 * exponent or hex (`%201`, `0x4`, `4e0`, `4.0`, `04`, `4%20` are not ids). Coercing with `Number()`
 * accepted all of those, so fuzzing `DELETE /api/projects/%201` deleted project 1.
 */
const CANONICAL_ID = /^[1-9][0-9]*$/;

/** An id as a JSON number: a positive safe integer. */
export const IdNumber = z.number().int().positive().max(Number.MAX_SAFE_INTEGER).describe('positive integer id');

/** An id spelled as text (URL path segment, or a string some clients send): canonical digits only. */
export const IdString = z
  .string()
  .regex(CANONICAL_ID, 'must be a positive integer written in digits, without leading zeros')
  .refine((value) => Number.isSafeInteger(Number(value)), 'is too large')
  .transform(Number);

/**
 * A database id as clients send it. The seed's clients send numbers (`project_id: 1`); some send the
 * same number as a string taken from a URL. Both are accepted; anything else is refused.
 */
export const Id = z.union([IdNumber, IdString]).describe('positive integer id');
export type Id = z.infer<typeof Id>;

/** Route params `{id}`: every route's path id goes through this one schema. */
export const IdParam = IdString.describe('positive integer id');
