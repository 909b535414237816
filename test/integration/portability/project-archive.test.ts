import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject, testRetrieval, uploadDocuments } from '../../support/documents.ts';
import { FakeOllama } from '../../support/fake-ollama.ts';
import {
  editArchive,
  exportArchive,
  importArchive,
  readZip,
  rewriteEntry,
  withHostileEntry,
  writeZip,
} from '../../support/project-archives.ts';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const BEES = Array.from(
  { length: 30 },
  (_, index) =>
    `Note ${index}: honeybees pollinate orchards in spring while the ${['wind', 'rain', 'frost'][index % 3]} shapes the apple harvest.`,
).join(' ');
const CHEESE = `# Cheese\n\nAlpine cheese ripens in caves for months.\n\n## Rind\n\nA washed rind keeps the wheel moist and ${'brings a strong aroma. '.repeat(20)}`;
const TRAINS = `line,departure,platform\nexpress,08:15,3\nregional,09:40,1\n${Array.from({ length: 40 }, (_, index) => `freight ${index},1${index % 10}:00,${index % 4}`).join('\n')}\n`;
const QUERIES = ['Which insects pollinate orchards?', 'How long does alpine cheese ripen?', 'Which platform does the express leave from?'];

/** What a project holds, in a form that does not depend on ids: for comparing two servers. */
async function snapshot(server: TestServer, projectId: number) {
  const documents = (await server.api('GET', `/api/projects/${projectId}/documents?limit=100`)).body as any[];
  const byId = new Map(documents.map((document) => [document.id, document.filename]));
  const files: Record<string, string> = {};
  for (const document of documents) {
    const response = await fetch(`${server.url}/api/documents/${document.id}/download`);
    files[document.filename] = Buffer.from(await response.arrayBuffer()).toString('base64');
  }
  const chunks = (await server.store.archive.pageChunks({ projectId, afterId: 0, limit: 10_000 })).map(
    ({ id, documentId, projectId: _, ...chunk }) => chunk,
  );
  const index = await server.store.vectors.activeIndex(projectId);
  const vectors = index
    ? (await server.store.archive.pageVectors({ indexId: index.id, afterChunkId: 0, limit: 10_000 })).map((vector) => ({
        document: byId.get(vector.documentId),
        chunkIndex: vector.chunkIndex,
        embedding: Array.from(vector.embedding),
      }))
    : [];
  const chats = [];
  for (const chat of (await server.api('GET', `/api/projects/${projectId}/chats`)).body as any[]) {
    const messages = (await server.api('GET', `/api/chats/${chat.id}/messages`)).body as any[];
    chats.push({
      title: chat.title,
      messages: messages.map((message) => ({
        role: message.role,
        content: message.content,
        sources: (message.sources ?? []).map((source: any) => ({
          file: byId.get(source.metadata.document_id),
          chunk: source.metadata.chunk_index,
          content: source.content,
        })),
      })),
    });
  }
  const retrieval = [];
  for (const query of QUERIES) {
    const result = await testRetrieval(server, projectId, query, 3);
    retrieval.push({
      mode: result.stats.mode,
      top: result.results.map((item) => [item.document_name, item.chunk_index, item.score.toFixed(6)]),
    });
  }
  return {
    documents: documents
      .map(({ filename, file_size, status, error_message, chunk_count, page_count, word_count }) => ({
        filename,
        file_size,
        status,
        error_message,
        chunk_count,
        page_count,
        word_count,
      }))
      .sort((a, b) => a.filename.localeCompare(b.filename)),
    files,
    chunks,
    index: index && { provider: index.provider, model: index.model, dimensions: index.dimensions },
    vectors,
    chats,
    retrieval,
  };
}

/** Project names, upload folders and unpack folders of a server: a refused import must change none. */
function footprint(server: TestServer, names: string[]) {
  const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
  return {
    names,
    uploads: list(path.join(server.dataDir, 'documents')),
    imports: list(path.join(server.dataDir, 'tmp', 'imports')),
    temp: list(path.join(server.dataDir, 'tmp', 'uploads')),
  };
}

async function projectNames(server: TestServer): Promise<string[]> {
  return ((await server.api('GET', '/api/projects?limit=100')).body as any[]).map((project) => project.name).sort();
}

describe('project archive: export and import', () => {
  let source: TestServer;
  let target: TestServer;
  let socket: ClientSocket;
  let projectId: number;
  let archive: Buffer;
  let original: Awaited<ReturnType<typeof snapshot>>;

  beforeAll(async () => {
    // 1. A project with three formats, per-project settings, vectors and a chat whose answer cites sources.
    source = await startTestServer();
    await source.embeddingBackfill.check();
    socket = await connect(source.url);
    const log = new DocumentStatusLog(socket);
    const created = await createProjectAndChat(source, 'Orchard notes');
    projectId = created.projectId;
    await joinProject(socket, projectId);
    await source.api('PUT', `/api/projects/${projectId}`, {
      description: 'bees, cheese and trains',
      settings: { chunk_size: 300, chunk_overlap: 50, retrieval_k: 4 },
    });
    const upload = await uploadDocuments(source, projectId, [
      { filename: 'bees.txt', content: BEES },
      { filename: 'cheese.md', content: CHEESE },
      { filename: 'trains.csv', content: TRAINS },
      { filename: 'broken.pdf', content: Buffer.from('%PDF-1.7\nthis is not really a PDF\n') },
    ]);
    const finals = await Promise.all(upload.body.uploaded.map((document: { id: number }) => log.until(document.id)));
    expect(finals.map((event) => event.status)).toEqual(['completed', 'completed', 'completed', 'failed']);
    const answer = await source.api('POST', `/api/chats/${created.chatId}/messages`, { message: 'Which insects pollinate orchards?' });
    expect(answer.status).toBe(200);
    original = await snapshot(source, projectId);
    expect(original.index).toMatchObject({ model: 'nomic-embed-text' });
    expect(original.chunks.length).toBeGreaterThan(6);
    expect(original.vectors).toHaveLength(original.chunks.length);
    expect(original.chats[0]!.messages[1]!.sources.length).toBeGreaterThan(0);

    // 2. Export it.
    const exported = await exportArchive(source, projectId);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('application/zip');
    expect(exported.headers.get('content-disposition')).toContain('attachment; filename="Orchard notes.daa.zip"');
    archive = exported.bytes;

    target = await startTestServer();
    await target.embeddingBackfill.check();
  });

  afterAll(async () => {
    socket?.disconnect();
    await source?.close();
    await target?.close();
  });

  it('imports into another server with the same documents, chunks, vectors, chats and retrieval results', async () => {
    const embedsBefore = target.ollama.requestsTo('/api/embed').length;
    const imported = await importArchive(target, archive);
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({
      name: 'Orchard notes',
      description: 'bees, cheese and trains',
      document_count: 4,
      chat_count: 1,
    });
    expect(JSON.parse(imported.body.settings)).toMatchObject({ chunk_size: 300, chunk_overlap: 50, retrieval_k: 4 });

    const copy = await snapshot(target, imported.body.id);
    expect(copy).toEqual(original);
    // Chunks were not parsed again and vectors were reused: the only texts embedded here are the
    // dimension probe and the retrieval queries, never a chunk.
    const embedded = target.ollama
      .requestsTo('/api/embed')
      .slice(embedsBefore)
      .flatMap((request) => request.body.input as string[]);
    expect(embedded.filter((text) => text !== 'dimension probe' && !QUERIES.includes(text))).toEqual([]);
    expect(copy.retrieval.every((result) => result.mode === 'hybrid')).toBe(true);
  });

  it('gives a clashing name a suffix, and takes the name given', async () => {
    const again = await importArchive(target, archive);
    expect(again.status).toBe(201);
    expect(again.body.name).toMatch(/^Orchard notes \(\d+\)$/);
    const named = await importArchive(target, archive, 'Second orchard');
    expect(named.status).toBe(201);
    expect(named.body.name).toBe('Second orchard');
    const clash = await importArchive(target, archive, 'Second orchard');
    expect(clash.status).toBe(409);
    expect(clash.body.detail).toBe("Project with name 'Second orchard' already exists");
  });

  it('queues re-embedding when this server embeds with another model', async () => {
    const ollama = await new FakeOllama().start();
    ollama.models.push({ name: 'mini-embed:latest', capabilities: ['embedding'], embeddingLength: 384 });
    const other = await startTestServer({ EMBEDDING_MODEL: 'mini-embed' }, { ollama });
    try {
      const activated = new Promise<{ projectId: number; embeddingModel: string }>((resolve) =>
        other.events.subscribe((event) => {
          if (event.type === 'embeddingIndexActivated') resolve(event);
        }),
      );
      const imported = await importArchive(other, archive);
      expect(imported.status).toBe(201);
      expect(await activated).toMatchObject({ projectId: imported.body.id, embeddingModel: 'mini-embed' });
      const index = await other.store.vectors.activeIndex(imported.body.id);
      expect(index).toMatchObject({ model: 'mini-embed', dimensions: 384 });
      expect(await other.store.vectors.countVectors(index!.id)).toBe(original.chunks.length);
      const result = await testRetrieval(other, imported.body.id, QUERIES[0]!, 3);
      expect(result.stats).toMatchObject({ mode: 'hybrid', embedding_model: 'mini-embed' });
      expect(result.results[0].document_name).toBe('bees.txt');
    } finally {
      await other.close();
      await ollama.stop();
    }
  });

  it('parses a document that was not finished when it was exported', async () => {
    // 1. An archive where cheese.md is still pending: no chunks, no vectors yet.
    const pendingArchive = await editArchive(archive, (tables) => {
      const cheese = tables.documents!.find((document) => document.filename === 'cheese.md');
      Object.assign(cheese, { status: 'pending', page_count: null, word_count: null, parsed_metadata: null });
      tables.chunks = tables.chunks!.filter((chunk) => chunk.document !== cheese.ref);
      tables.vectors = tables.vectors!.filter((vector) => vector.document !== cheese.ref);
    });
    const completed = new Promise<{ documentId: number }>((resolve) =>
      target.events.subscribe((event) => {
        if (event.type === 'documentProgress' && event.status === 'completed') resolve(event);
      }),
    );
    // 2. It lands queued, is parsed from its original file here, and becomes searchable.
    const imported = await importArchive(target, pendingArchive, 'Pending cheese');
    expect(imported.status).toBe(201);
    const documents = (await target.api('GET', `/api/projects/${imported.body.id}/documents`)).body as any[];
    const cheese = documents.find((document) => document.filename === 'cheese.md');
    expect((await completed).documentId).toBe(cheese.id);
    const result = await testRetrieval(target, imported.body.id, QUERIES[1]!, 3);
    expect(result.results[0].document_name).toBe('cheese.md');
  });

  it('refuses a chunk of a document the archive does not hold, even with matching checksums', async () => {
    const before = footprint(target, await projectNames(target));
    const orphan = await editArchive(archive, (tables) => {
      tables.chunks!.push({ ...tables.chunks![0], document: 999, chunk_index: 0 });
    });
    const refused = await importArchive(target, orphan);
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/^The project archive holds a chunk of an unknown or unfinished document \(line \d+ of chunks\)$/);
    expect(footprint(target, await projectNames(target))).toEqual(before);
  });

  it('answers 404 for the export of a project that does not exist', async () => {
    const missing = await target.api('GET', '/api/projects/99999/export');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('Project 99999 not found');
  });

  it('refuses an archive over MAX_IMPORT_MB with 413 and keeps nothing of it', async () => {
    const small = await startTestServer({ MAX_IMPORT_MB: 1 });
    try {
      const refused = await importArchive(small, Buffer.concat([archive, Buffer.alloc(1024 * 1024)]));
      expect(refused.status).toBe(413);
      expect(refused.body.detail).toBe('File exceeds maximum allowed size (1048576 bytes)');
      expect(footprint(small, await projectNames(small))).toEqual({ names: [], uploads: [], imports: [], temp: [] });
    } finally {
      await small.close();
    }
  });

  describe('refuses a bad archive and leaves nothing behind', () => {
    const cases: Array<[string, () => Promise<Buffer>, RegExp]> = [
      [
        'a newer format version',
        () =>
          rewriteEntry(archive, 'manifest.json', (data) =>
            Buffer.from(JSON.stringify({ ...JSON.parse(data.toString()), format_version: 3 })),
          ),
        /^This archive was made by a newer version of the application \(format 3\); this server reads format 2 and older$/,
      ],
      [
        'a truncated file',
        async () => archive.subarray(0, Math.floor(archive.length * 0.6)),
        /^The file is not a complete project archive/,
      ],
      [
        'an entry changed after export (checksum)',
        () => rewriteEntry(archive, 'chunks.ndjson', (data) => Buffer.from(data.toString().replace('honeybees', 'wasps'))),
        /^The project archive was altered or damaged: the checksum of 'chunks.ndjson' does not match$/,
      ],
      [
        'an entry missing',
        async () => writeZip((await readZip(archive)).filter((entry) => entry.name !== 'messages.ndjson')),
        /^The project archive is incomplete: 'messages.ndjson' is missing$/,
      ],
      [
        'a path that climbs out of its folder',
        () => withHostileEntry(archive, '../x'),
        /^The archive holds a path that escapes its folder: '\.\.\/x'$/,
      ],
      ['an absolute path', () => withHostileEntry(archive, '/etc/x'), /^The archive holds a path that escapes its folder: '\/etc\/x'$/],
      ['a file that is no zip at all', async () => Buffer.from('just some text'), /^The file is not a complete project archive/],
    ];
    for (const [label, make, message] of cases) {
      it(label, async () => {
        const before = footprint(target, await projectNames(target));
        const refused = await importArchive(target, await make());
        expect(refused.status).toBe(422);
        expect(refused.body.detail).toMatch(message);
        expect(footprint(target, await projectNames(target))).toEqual(before);
        expect(before.imports).toEqual([]);
      });
    }
  });
});
