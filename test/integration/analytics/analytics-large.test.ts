import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject, uploadDocuments } from '../../support/documents.ts';
import { connect, type ClientSocket } from '../../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../../support/test-server.ts';

const WORDS = 'orchard hive nectar alpine rind brine express platform regional station harbour ferry lantern meadow quarry timber'.split(
  ' ',
);

/** 2,000 paragraphs of about 100 characters in 4 documents: one chunk each at chunk size 100. */
function documents() {
  return Array.from({ length: 4 }, (_, document) => ({
    filename: `part-${document}.txt`,
    content: Array.from({ length: 500 }, (_, index) => {
      const n = document * 500 + index;
      return `Row ${n} ${WORDS[n % 16]} ${WORDS[(n * 7) % 16]} ${WORDS[(n * 3 + document) % 16]} ${WORDS[document * 4]}`.padEnd(90, '.');
    }).join('\n\n'),
  }));
}

describe('analytics of 2,000 chunks', () => {
  let server: TestServer;
  let socket: ClientSocket;
  let projectId: number;
  const base = () => `/api/analytics/projects/${projectId}`;

  beforeAll(async () => {
    // A shared, loaded machine: the time limit is not what is tested here (bench:analytics measures the time).
    server = await startTestServer({ ANALYTICS_TIMEOUT_SECONDS: 900 });
    await server.embeddingBackfill.check();
    socket = await connect(server.url);
    const log = new DocumentStatusLog(socket);
    ({ projectId } = await createProjectAndChat(server, 'Large analytics'));
    await joinProject(socket, projectId);
    await server.api('PUT', `/api/projects/${projectId}`, { settings: { chunk_size: 100, chunk_overlap: 0 } });
    const upload = await uploadDocuments(server, projectId, documents());
    const finals = await Promise.all(upload.body.uploaded.map((document: { id: number }) => log.until(document.id, undefined, 240_000)));
    expect(finals.map((event) => event.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
  }, 300_000);

  afterAll(async () => {
    socket?.disconnect();
    await server?.close();
  });

  it('the server answers while a UMAP of 2,000 points computes, and every chunk gets a finite point', async () => {
    const stats = await server.api('GET', `${base()}/embedding-stats`);
    expect(stats.body.embedded_chunks).toBeGreaterThanOrEqual(2_000);
    let reduced = false;
    const progressId = randomUUID();
    const reduction = server
      .api('POST', `${base()}/dimensionality-reduction`, { method: 'umap', dimensions: 3, n_samples: 2_000, progress_id: progressId })
      .finally(() => {
        reduced = true;
      });
    // Pings until the UMAP answers: each must come back while it is still computing, and so must
    // the progress, which only grows.
    const answeredDuring: number[] = [];
    const reported: number[] = [];
    while (!reduced) {
      const ping = await server.api('GET', '/health');
      expect(ping.status).toBe(200);
      const progress = await server.api('GET', `${base()}/progress/${progressId}`);
      expect(progress.status).toBe(200);
      if (!reduced) {
        answeredDuring.push(ping.status);
        if (progress.body.stage === 'computing') reported.push(progress.body.done);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { status, body } = await reduction;
    expect(status).toBe(200);
    expect(answeredDuring.length).toBeGreaterThan(3);
    expect(reported.some((done) => done > 0 && done < 1)).toBe(true);
    expect(reported).toEqual([...reported].sort((left, right) => left - right));
    expect((await server.api('GET', `${base()}/progress/${progressId}`)).body).toEqual({
      progress_id: progressId,
      stage: 'unknown',
      done: null,
    });
    expect(body.points).toHaveLength(2_000);
    expect(new Set(body.points.map((point: any) => point.chunk_id)).size).toBe(2_000);
    expect(body.points.every((point: any) => [point.x, point.y, point.z].every(Number.isFinite))).toBe(true);
  }, 600_000);

  it('t-SNE of 2,000 points gives a finite point per chunk', async () => {
    const { status, body } = await server.api('POST', `${base()}/dimensionality-reduction`, { method: 'tsne', n_samples: 2_000 });
    expect(status).toBe(200);
    expect(body.points).toHaveLength(2_000);
    expect(body.perplexity).toBe(30);
    expect(body.points.every((point: any) => Number.isFinite(point.x) && Number.isFinite(point.y) && point.z === null)).toBe(true);
  }, 600_000);
});
