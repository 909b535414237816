import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../support/test-server.ts';

interface Schema {
  type?: string | string[];
  pattern?: string;
  example?: unknown;
  properties?: Record<string, Schema>;
  [key: string]: unknown;
}

/** Every schema in the document with the property name it sits under. */
function* schemas(node: unknown, name?: string): Generator<{ name: string | undefined; schema: Schema }> {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) yield* schemas(item, name);
    return;
  }
  const schema = node as Schema;
  if ('type' in schema || 'pattern' in schema) yield { name, schema };
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && value && typeof value === 'object') {
      for (const [property, child] of Object.entries(value as Record<string, unknown>)) yield* schemas(child, property);
    } else if (key !== 'example') yield* schemas(value, key === 'schema' ? ((schema as { name?: string }).name ?? name) : name);
  }
}

describe('/docs examples', () => {
  let server: TestServer;
  let document: { paths: Record<string, Record<string, { parameters?: Array<{ name: string; schema: Schema }>; requestBody?: unknown }>> };
  beforeAll(async () => {
    server = await startTestServer();
    document = (await server.api('GET', '/docs/json')).body;
  });
  afterAll(() => server.close());

  it('gives every patterned string an example, so Swagger UI never makes one up from the regex', () => {
    const patterned = [...schemas(document.paths)].filter(({ schema }) => typeof schema.pattern === 'string');
    expect(patterned.length).toBeGreaterThan(20);
    const missing = patterned.filter(({ schema }) => schema.example === undefined).map(({ name }) => name);
    expect(missing).toEqual([]);
    for (const { schema } of patterned) expect(String(schema.example)).toMatch(new RegExp(schema.pattern!));
  });

  it('shows realistic values: a model name, a path id, a question', () => {
    const settings = document.paths['/api/settings']!.put!.requestBody;
    const model = [...schemas(settings)].find(({ name }) => name === 'default_llm_model');
    expect(model?.schema.example).toBe('llama3.2:3b');
    const chatParam = document.paths['/api/chats/{chat_id}']!.get!.parameters!.find((parameter) => parameter.name === 'chat_id');
    expect(chatParam?.schema.example).toBe('12');
    const ask = document.paths['/api/chats/{chat_id}/messages']!.post!.requestBody;
    expect([...schemas(ask)].find(({ name }) => name === 'message')?.schema.example).toBe('Where can visitors park on weekends?');
  });
});
