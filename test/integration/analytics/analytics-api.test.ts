import { PCA } from 'ml-pca';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject, uploadDocuments } from '../../support/documents.ts';
import { FakeOllama } from '../../support/fake-ollama.ts';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const TOPICS = {
  'bees.txt': 'honeybees pollinate orchards in spring and the hive makes honey from nectar',
  'cheese.md': 'alpine cheese ripens in caves for months while the rind is washed with brine',
  'trains.txt': 'the express train leaves platform three and the regional line stops at every station',
};

/** Many short paragraphs per topic, so each document has several chunks with varied words. */
function documentText(topic: string): string {
  const words = topic.split(' ');
  return Array.from(
    { length: 24 },
    (_, index) => `Note ${index}: ${words.slice(index % 5).join(' ')} ${words.slice(0, index % 7).join(' ')}.`,
  ).join('\n\n');
}

async function projectWithDocuments(server: TestServer, socket: ClientSocket, name: string) {
  const log = new DocumentStatusLog(socket);
  const { projectId } = await createProjectAndChat(server, name);
  await joinProject(socket, projectId);
  await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 200, chunk_overlap: 0 } });
  const upload = await uploadDocuments(
    server,
    projectId,
    Object.entries(TOPICS).map(([filename, topic]) => ({ filename, content: documentText(topic) })),
  );
  const finals = await Promise.all(upload.body.uploaded.map((document: { id: number }) => log.until(document.id)));
  expect(finals.map((event) => event.status)).toEqual(['completed', 'completed', 'completed']);
  return { projectId, documentIds: upload.body.uploaded.map((document: { id: number }) => document.id) as number[] };
}

const unit = (vector: number[]) => {
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
};
const cosine = (left: number[], right: number[]) => unit(left).reduce((sum, value, index) => sum + value * unit(right)[index]!, 0);

describe('analytics API with an embedding model', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let projectId: number;
  let documentIds: number[];
  const base = () => `/api/analytics/projects/${projectId}`;

  beforeAll(async () => {
    server = await startTestServer();
    await server.embeddingBackfill.check();
    socket = await connect(server.url);
    ({ projectId, documentIds } = await projectWithDocuments(server, socket, 'Analytics'));
  });

  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
  });

  it('embeddings: the original fields, the limit, document_id filtered before the limit', async () => {
    const all = await server.api('GET', `${base()}/embeddings?limit=2000&include_text=true`);
    expect(all.status).toBe(200);
    const first = all.body.embeddings[0];
    expect(Object.keys(first).sort()).toEqual(['chunk_id', 'chunk_index', 'document_id', 'document_name', 'embedding', 'metadata', 'text']);
    expect(first.embedding).toHaveLength(768);
    expect(typeof first.text).toBe('string');
    expect(all.body.total).toBe(all.body.embeddings.length);
    expect(all.body.total).toBeGreaterThan(6);
    const limited = await server.api('GET', `${base()}/embeddings?limit=2`);
    expect(limited.body.embeddings).toHaveLength(2);
    expect(limited.body.embeddings[0].text).toBeNull();
    const lastDocument = documentIds[2]!;
    const filtered = await server.api('GET', `${base()}/embeddings?limit=3&document_id=${lastDocument}`);
    expect(filtered.body.embeddings).toHaveLength(3);
    expect(filtered.body.embeddings.every((row: any) => row.document_id === lastDocument)).toBe(true);
    expect((await server.api('GET', `${base()}/embeddings?limit=2001`)).status).toBe(422);
  });

  it('PCA: the top principal components of the normalised vectors (up to sign), variance ratios filled', async () => {
    const embeddings = (await server.api('GET', `${base()}/embeddings?limit=2000`)).body.embeddings as any[];
    const response = await server.api('POST', `${base()}/dimensionality-reduction`, { method: 'pca', dimensions: 3, n_samples: 2000 });
    expect(response.status).toBe(200);
    const { points, explained_variance: ratios } = response.body;
    expect(response.body).toMatchObject({
      method: 'pca',
      dimensions: 3,
      total_points: embeddings.length,
      vector_source: 'embedding',
      embedding_model: 'nomic-embed-text',
    });
    // A direct computation on the returned vectors.
    const reference = new PCA(
      embeddings.map((row) => unit(row.embedding)),
      { method: 'SVD', center: true, scale: false },
    );
    const expectedRatios = reference.getExplainedVariance().slice(0, 3);
    ratios.forEach((ratio: number, index: number) => expect(ratio).toBeCloseTo(expectedRatios[index]!, 5));
    expect(ratios[0]).toBeGreaterThanOrEqual(ratios[1]);
    expect(ratios[1]).toBeGreaterThanOrEqual(ratios[2]);
    expect(ratios[0] + ratios[1] + ratios[2]).toBeLessThanOrEqual(1);
    const projected = reference
      .predict(
        embeddings.map((row) => unit(row.embedding)),
        { nComponents: 3 },
      )
      .to2DArray();
    const byChunk = new Map(points.map((point: any) => [point.chunk_id, point]));
    for (const axis of [0, 1, 2] as const) {
      const key = (['x', 'y', 'z'] as const)[axis];
      const sign = Math.sign((byChunk.get(embeddings[0].chunk_id) as any)[key] * projected[0]![axis]!) || 1;
      embeddings.forEach((row, index) => expect((byChunk.get(row.chunk_id) as any)[key]).toBeCloseTo(sign * projected[index]![axis]!, 4));
    }
    expect(points[0]).toMatchObject({ chunk_id: expect.any(String), document_name: expect.any(String), text_preview: expect.any(String) });
  });

  it('t-SNE and UMAP: finite points for every chunk, seeded, parameters capped to the sample', async () => {
    for (const method of ['tsne', 'umap'] as const) {
      const body = { method, dimensions: 3, n_samples: 10, perplexity: 50, n_neighbors: 50 };
      const first = await server.api('POST', `${base()}/dimensionality-reduction`, body);
      expect(first.status).toBe(200);
      expect(first.body.points).toHaveLength(10);
      expect(first.body.points.every((point: any) => [point.x, point.y, point.z].every(Number.isFinite))).toBe(true);
      expect(first.body.explained_variance).toBeNull();
      if (method === 'tsne') expect(first.body.perplexity).toBe(3);
      else expect(first.body.n_neighbors).toBe(9);
      const again = await server.api('POST', `${base()}/dimensionality-reduction`, body);
      expect(again.body.points).toEqual(first.body.points);
    }
    // Every chunk of the project, once each, with a finite point.
    const chunkIds = ((await server.api('GET', `${base()}/embeddings?limit=2000`)).body.embeddings as any[])
      .map((row) => row.chunk_id)
      .sort();
    for (const method of ['tsne', 'umap'] as const) {
      const all = await server.api('POST', `${base()}/dimensionality-reduction`, { method, dimensions: 2, n_samples: 2000 });
      expect(all.status).toBe(200);
      expect(all.body.points.map((point: any) => point.chunk_id).sort()).toEqual(chunkIds);
      expect(all.body.points.every((point: any) => Number.isFinite(point.x) && Number.isFinite(point.y) && point.z === null)).toBe(true);
    }
  });

  it('the similarity matrix equals the cosines: chunk scope, and document scope mean-pooled over all chunks', async () => {
    const embeddings = (await server.api('GET', `${base()}/embeddings?limit=2000`)).body.embeddings as any[];
    const byChunk = new Map(embeddings.map((row) => [row.chunk_id, row.embedding as number[]]));
    const chunks = await server.api('POST', `${base()}/similarity-matrix`, { scope: 'chunk', max_items: 5 });
    expect(chunks.status).toBe(200);
    expect(chunks.body.items).toHaveLength(5);
    const texts = new Map(
      ((await server.api('GET', `${base()}/embeddings?limit=2000&include_text=true`)).body.embeddings as any[]).map((row) => [
        row.chunk_id,
        row.text,
      ]),
    );
    for (const item of chunks.body.items) expect(texts.get(item.id)!.startsWith(item.text.replace(/\.\.\.$/, ''))).toBe(true);
    chunks.body.items.forEach((row: any, i: number) => {
      expect(chunks.body.matrix[i][i]).toBe(1);
      chunks.body.items.forEach((column: any, j: number) =>
        expect(chunks.body.matrix[i][j]).toBeCloseTo(cosine(byChunk.get(row.id)!, byChunk.get(column.id)!), 5),
      );
    });
    const documents = await server.api('POST', `${base()}/similarity-matrix`, { scope: 'document' });
    expect(documents.body.items.map((item: any) => item.label)).toEqual(Object.keys(TOPICS));
    const mean = (documentId: number) => {
      const rows = embeddings.filter((row) => row.document_id === documentId).map((row) => row.embedding as number[]);
      return rows[0]!.map((_, index) => rows.reduce((sum, row) => sum + row[index]!, 0) / rows.length);
    };
    documents.body.items.forEach((row: any, i: number) => {
      documents.body.items.forEach((column: any, j: number) => {
        expect(documents.body.matrix[i][j]).toBe(documents.body.matrix[j][i]);
        expect(documents.body.matrix[i][j]).toBeCloseTo(cosine(mean(Number(row.id)), mean(Number(column.id))), 5);
      });
    });
    const filtered = await server.api('POST', `${base()}/similarity-matrix`, { scope: 'document', document_ids: documentIds.slice(0, 2) });
    expect(filtered.body.items.map((item: any) => Number(item.id))).toEqual(documentIds.slice(0, 2));
  });

  it('embedding-stats: counts, norms and a seeded average similarity', async () => {
    const first = await server.api('GET', `${base()}/embedding-stats`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      total_documents: 3,
      embedding_dimension: 768,
      embedding_model: 'nomic-embed-text',
      vector_source: 'embedding',
    });
    expect(first.body.embedded_chunks).toBe(first.body.total_chunks);
    expect(first.body.stats.min_norm).toBeLessThanOrEqual(first.body.stats.max_norm);
    expect(first.body.stats.avg_similarity).toBeGreaterThan(0);
    expect(first.body.document_breakdown.map((row: any) => row.document_name)).toEqual(Object.keys(TOPICS));
    expect((await server.api('GET', `${base()}/embedding-stats`)).body).toEqual(first.body);
  });

  it('chunk table pages and searches, and exports CSV', async () => {
    const page = await server.api('GET', `${base()}/chunks?limit=2&search=honey`);
    expect(page.status).toBe(200);
    expect(page.body.chunks).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(2);
    expect(page.body.chunks[0]).toMatchObject({ document_name: 'bees.txt', embedding_dimension: 768, embedding_norm: expect.any(Number) });
    const csv = await fetch(`${server.url}${base()}/chunks/export?search=honey`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Chunk ID,Document,Chunk Index,Page,Text Preview,Characters,Embedding Dimension,Embedding Norm');
    expect(lines).toHaveLength(page.body.total + 1);
  });

  it('refuses what the original got wrong: unknown project, unknown method, fewer than 2 embeddings', async () => {
    expect((await server.api('GET', '/api/analytics/projects/999999/embedding-stats')).status).toBe(404);
    expect((await server.api('POST', '/api/analytics/projects/999999/dimensionality-reduction', {})).status).toBe(404);
    const unknown = await server.api('POST', `${base()}/dimensionality-reduction`, { method: 'lda' });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toMatch(/pca.*tsne.*umap/);
    const { projectId: empty } = await createProjectAndChat(server, 'Empty analytics');
    const reduce = await server.api('POST', `/api/analytics/projects/${empty}/dimensionality-reduction`, {});
    expect(reduce.status).toBe(400);
    expect(reduce.body.detail).toBe('Not enough embeddings for dimensionality reduction (need at least 2)');
    const matrix = await server.api('POST', `/api/analytics/projects/${empty}/similarity-matrix`, {});
    expect(matrix.body.detail).toBe('Not enough embeddings for similarity matrix (need at least 2)');
    const stats = await server.api('GET', `/api/analytics/projects/${empty}/embedding-stats`);
    expect(stats.body).toMatchObject({ total_chunks: 0, total_documents: 0, document_breakdown: [] });
  });
});

describe('analytics API with no embedding model', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let projectId: number;

  beforeAll(async () => {
    const ollama = await new FakeOllama().start();
    ollama.models = ollama.models.filter((model) => !model.capabilities.includes('embedding'));
    server = await startTestServer(undefined, { ollama });
    socket = await connect(server.url);
    ({ projectId } = await projectWithDocuments(server, socket, 'No model'));
  });

  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
  });

  it('maps and compares documents by TF-IDF term vectors, says so, and keeps the table and chunk counts', async () => {
    const base = `/api/analytics/projects/${projectId}`;
    const embeddings = await server.api('GET', `${base}/embeddings`);
    expect(embeddings.status).toBe(400);
    expect(embeddings.body.detail).toMatch(/no embedding model/);
    const map = await server.api('POST', `${base}/dimensionality-reduction`, { method: 'pca' });
    expect(map.status).toBe(200);
    expect(map.body).toMatchObject({ vector_source: 'tfidf', embedding_model: null });
    expect(map.body.points.length).toBeGreaterThan(6);
    const matrix = await server.api('POST', `${base}/similarity-matrix`, { scope: 'document' });
    expect(matrix.body.vector_source).toBe('tfidf');
    expect(matrix.body.matrix[0][0]).toBe(1);
    // The three topics share no words but "note": each document is closer to itself than to the others.
    expect(matrix.body.matrix[0][1]).toBeLessThan(0.5);
    const stats = await server.api('GET', `${base}/embedding-stats`);
    expect(stats.body).toMatchObject({
      total_documents: 3,
      embedding_dimension: 0,
      embedding_model: null,
      vector_source: 'tfidf',
      embedded_chunks: 0,
    });
    expect(stats.body.total_chunks).toBeGreaterThan(6);
    expect(stats.body.stats.mean_norm).toBeNull();
    expect(stats.body.stats.avg_similarity).toBeGreaterThan(0);
    const table = await server.api('GET', `${base}/chunks?limit=5`);
    expect(table.body.chunks[0]).toMatchObject({ embedding_dimension: null, embedding_norm: null });
  });
});
