import type pino from 'pino';

/**
 * The one logger type of the server: the part of pino its modules use. The composition root passes
 * pino itself; a test can pass four functions. Message and document text never go in (see README).
 */
export type Logger = Pick<pino.Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * A library's error message with its quoted runs cut out: parser errors quote the input they choked
 * on ("Unexpected token 'secret'…"), and document text must never reach the log.
 */
export function withoutQuotedText(text: string): string {
  return text.replace(/(["'`«“‘])[^"'`»”’]*(["'`»”’])/gu, '$1…$2').slice(0, 500);
}
