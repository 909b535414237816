import type { FastifyInstance } from 'fastify';
import { BadRequestError } from '../errors.ts';

/**
 * Deepest nesting of arrays and objects accepted in a JSON body. Real bodies (settings, document
 * metadata) nest two or three levels; ~9,000 levels made schema checks and `JSON.stringify` overflow
 * the stack (a 500).
 */
export const MAX_JSON_BODY_DEPTH = 64;

/**
 * How deep arrays and objects nest in a JSON text, stopping as soon as `limit` is passed. Iterative
 * (a loop over characters, no recursion), so no input can overflow the stack while it is measured.
 */
export function jsonNestingExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c /* \ */) index += 1;
      else if (char === 0x22 /* " */) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      depth += 1;
      if (depth > limit) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) depth -= 1;
  }
  return false;
}

/**
 * Replaces Fastify's JSON parser with the same parser (prototype-poisoning checks included) behind a
 * nesting-depth check, so every JSON body of every route is bounded before any schema sees it.
 */
export function registerJsonBodyParser(app: FastifyInstance, maxDepth = MAX_JSON_BODY_DEPTH): void {
  const parse = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? 'error',
    app.initialConfig.onConstructorPoisoning ?? 'error',
  );
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (jsonNestingExceeds(body as string, maxDepth)) {
      done(new BadRequestError(`The JSON body is nested too deeply (more than ${maxDepth} levels of arrays and objects)`), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
