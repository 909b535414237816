/**
 * Realistic examples for /docs. Swagger UI makes up a sample for every string from its `pattern`
 * (`"model_name": "hzmj9cUm9ied…"`) unless the schema carries an `example`; this fills one in, by
 * field name, after the zod → JSON Schema transform. Only what a schema leaves empty is filled.
 */
const BY_NAME: Record<string, unknown> = {
  // ids (path and query strings are digits, bodies numbers)
  id: 42,
  project_id: 3,
  chat_id: 12,
  document_id: 7,
  message_id: 128,
  user_message_id: 127,
  chunk_id: 901,
  parent_id: 127,
  user_id: 2,
  // names and text
  name: 'Employee handbook',
  project_name: 'Employee handbook',
  title: 'Parking for visitors',
  description: 'Policies and benefits, 2026 edition',
  filename: 'handbook-2026.pdf',
  document_name: 'handbook-2026.pdf',
  file_type: 'pdf',
  mime_type: 'application/pdf',
  message: 'Where can visitors park on weekends?',
  query: 'visitor parking',
  q: 'parking',
  content: 'Visitors park in garage B on weekends; staff use garage A.',
  text: 'Visitors park in garage B on weekends; staff use garage A.',
  text_preview: 'Visitors park in garage B on weekends…',
  snippet: '…where can visitors park on weekends? Garage B…',
  answer: 'Visitors park in garage B on weekends [1].',
  heading: 'Parking',
  folder_path: '/home/ada/handbook',
  email: 'ada@example.com',
  password: 'correct horse battery staple',
  current_password: 'an old passphrase',
  // models
  model: 'llama3.2:3b',
  model_name: 'llama3.2:3b',
  llm_model: 'llama3.2:3b',
  embedding_model: 'nomic-embed-text',
  default_llm_model: 'llama3.2:3b',
  default_embedding_model: 'nomic-embed-text',
  default_model: 'llama3.2:3b',
  current_llm: 'llama3.2:3b',
  current_embedding: 'nomic-embed-text',
  family: 'llama',
  parameter_size: '3.2B',
  quantization_level: 'Q4_K_M',
  host: 'http://127.0.0.1:11434',
  // times
  created_at: '2026-12-01T09:30:00.000Z',
  updated_at: '2026-12-01T09:42:10.000Z',
  modified_at: '2026-11-20T16:05:00.000Z',
  expires_at: '2026-12-31T00:00:00.000Z',
  last_used_at: '2026-12-01T09:41:00.000Z',
};

/** Examples for formats and patterns a field name does not tell. */
function byShape(schema: JsonSchema): unknown {
  if (schema.format === 'date-time') return '2026-12-01T09:30:00.000Z';
  if (schema.format === 'email') return 'ada@example.com';
  if (schema.format === 'uuid') return '6f1c2a7e-3b9d-4e0a-9c51-2d8f4b7a1e03';
  if (typeof schema.pattern === 'string') {
    if (schema.pattern === '^[1-9][0-9]*$') return '3';
    if (schema.pattern.startsWith('^[A-Za-z0-9][A-Za-z0-9._')) return 'llama3.2:3b';
  }
  return undefined;
}

interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  example?: unknown;
  examples?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  [key: string]: unknown;
}

function typesOf(schema: JsonSchema): string[] {
  if (Array.isArray(schema.type)) return schema.type;
  if (schema.type) return [schema.type];
  // A nullable field in OpenAPI 3.0 form is anyOf [{type}, {type: null}].
  return (schema.anyOf ?? schema.oneOf ?? []).flatMap(typesOf);
}

function fits(value: unknown, schema: JsonSchema): boolean {
  const types = typesOf(schema);
  if (types.length === 0) return false;
  if (typeof value === 'number') return types.includes('integer') || types.includes('number');
  if (typeof value === 'string') return types.includes('string');
  return false;
}

function exampleFor(name: string | undefined, schema: JsonSchema): unknown {
  const named = name === undefined ? undefined : BY_NAME[name];
  if (named !== undefined && fits(named, schema)) return named;
  // Path and query ids are digit strings.
  if (typeof named === 'number' && typesOf(schema).includes('string') && schema.pattern === '^[1-9][0-9]*$') return String(named);
  return byShape(schema);
}

/** Fills `example` into `schema` and everything under it (mutates: the transform's output is ours). */
export function addExamples(schema: unknown, name?: string): void {
  if (!schema || typeof schema !== 'object') return;
  const node = schema as JsonSchema;
  if (node.example === undefined && node.examples === undefined && !node.properties) {
    const example = exampleFor(name, node);
    if (example !== undefined) node.example = example;
  }
  for (const [key, child] of Object.entries(node.properties ?? {})) addExamples(child, key);
  if (node.items) addExamples(node.items, undefined);
  for (const list of [node.anyOf, node.oneOf, node.allOf]) for (const child of list ?? []) addExamples(child, name);
}

/** Wraps the swagger transform so every route's body, query, params, headers and responses get examples. */
export function withExamples<T, R extends { schema: unknown; url: string }>(transform: (input: T) => R): (input: T) => R {
  return (input) => {
    const output = transform(input);
    const schema = output.schema as Record<string, unknown> | undefined;
    if (schema) {
      for (const part of ['body', 'querystring', 'params', 'headers']) addExamples(schema[part]);
      const response = schema.response as Record<string, unknown> | undefined;
      for (const reply of Object.values(response ?? {})) addExamples(reply);
    }
    return output;
  };
}
