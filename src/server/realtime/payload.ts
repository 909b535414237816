import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/**
 * Parses a client payload with its schema, or throws a ValidationError whose message says what is
 * wrong in the seed's words (`chat_id is required`, `message is required`) or in plain terms.
 */
export function parsePayload<Schema extends z.ZodType>(event: string, schema: Schema, raw: unknown): z.output<Schema> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError(`Invalid ${event} payload: expected an object`);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new ValidationError(describeIssues(event, result.error.issues, raw as Record<string, unknown>));
}

function describeIssues(event: string, issues: z.core.$ZodIssue[], raw: Record<string, unknown>): string {
  const messages = issues.slice(0, 3).map((issue) => {
    const field = issue.path.join('.');
    if (issue.code === 'unrecognized_keys') {
      return `Unknown field${issue.keys.length > 1 ? 's' : ''} in ${event}: ${issue.keys.join(', ')}`;
    }
    const missing = issue.path.length === 1 && (raw[field] === undefined || raw[field] === null);
    if ((issue.code === 'invalid_type' || issue.code === 'invalid_union') && missing) return `${field} is required`;
    if (issue.code === 'too_small' && field === 'message') return 'message is required';
    if (issue.code === 'too_big' && field === 'message') {
      return `message is too long (at most ${issue.maximum} characters)`;
    }
    if (issue.code === 'invalid_union') return `${field} must be a positive integer`;
    return `${field || event}: ${issue.message}`;
  });
  return messages.join('; ');
}
