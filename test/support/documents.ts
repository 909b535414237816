import type { DocumentStatusEvent } from '../../src/protocol/socket-events.ts';
import { type ClientSocket, waitFor } from './socket-client.ts';
import type { TestServer } from './test-server.ts';

export interface UploadFile {
  filename: string;
  content: string | Buffer;
  type?: string;
}

function formWith(field: string, files: UploadFile[]): FormData {
  const form = new FormData();
  for (const file of files) {
    form.append(
      field,
      new Blob([new Uint8Array(typeof file.content === 'string' ? Buffer.from(file.content) : file.content)], {
        type: file.type ?? 'application/octet-stream',
      }),
      file.filename,
    );
  }
  return form;
}

/** `POST /api/projects/{id}/documents` with one multipart `file`. */
export async function uploadDocument(server: TestServer, projectId: number, file: UploadFile) {
  const response = await fetch(`${server.url}/api/projects/${projectId}/documents`, { method: 'POST', body: formWith('file', [file]) });
  return { status: response.status, body: (await response.json()) as any };
}

/** `POST /api/projects/{id}/documents/bulk` with repeated `files`. */
export async function uploadDocuments(server: TestServer, projectId: number, files: UploadFile[]) {
  const response = await fetch(`${server.url}/api/projects/${projectId}/documents/bulk`, {
    method: 'POST',
    body: formWith('files', files),
  });
  return { status: response.status, body: (await response.json()) as any };
}

export async function joinProject(socket: ClientSocket, projectId: number): Promise<void> {
  const joined = waitFor(socket, 'project_joined', (data) => data.project_id === projectId);
  socket.emit('join_project', { project_id: projectId });
  await joined;
}

/**
 * Records every `document_status` the socket receives from the moment it is created, so that a test
 * can wait for a document's final state even when it was reached before the upload call returned.
 */
export class DocumentStatusLog {
  readonly events: DocumentStatusEvent[] = [];
  private waiters: Array<() => void> = [];

  constructor(socket: ClientSocket) {
    socket.on('document_status', (event) => {
      this.events.push(event);
      for (const waiter of this.waiters.splice(0)) waiter();
    });
  }

  of(documentId: number): DocumentStatusEvent[] {
    return this.events.filter((event) => event.document_id === documentId);
  }

  /** How many events the document has had so far; pass it to `until` to wait for newer ones only. */
  mark(documentId: number): number {
    return this.of(documentId).length;
  }

  /** Resolves with the document's first event (after `after` events) that passes `predicate` (default: completed or failed). */
  async until(
    documentId: number,
    predicate: (event: DocumentStatusEvent) => boolean = (event) => event.status === 'completed' || event.status === 'failed',
    timeoutMs = 15_000,
    after = 0,
  ): Promise<DocumentStatusEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(documentId).slice(after).find(predicate);
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(
          `document ${documentId}: no matching document_status; got ${JSON.stringify(this.of(documentId).map((event) => [event.stage, event.progress]))}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** The retrieval tester: what a chat in this project would retrieve. */
export const isFinal = (event: DocumentStatusEvent) => event.status === 'completed' || event.status === 'failed';

export async function testRetrieval(server: TestServer, projectId: number, query: string, topK = 10) {
  const response = await server.api('POST', `/api/analytics/projects/${projectId}/test-retrieval`, { query, top_k: topK });
  if (response.status !== 200) throw new Error(`test-retrieval failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { results: any[]; stats: { mode: string; embedding_model: string | null } };
}
