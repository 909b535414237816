import yauzl from 'yauzl';
import yazl from 'yazl';
import type { TestServer } from './test-server.ts';

/** `GET /api/projects/{id}/export` as bytes, with the response headers. */
export async function exportArchive(
  server: TestServer,
  projectId: number,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(`${server.url}/api/projects/${projectId}/export`, { headers });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** `POST /api/projects/import` with the archive in the multipart field `file` (and an optional `name`). */
export async function importArchive(
  server: TestServer,
  bytes: Buffer,
  name?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  if (name !== undefined) form.append('name', name);
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/zip' }), 'project.daa.zip');
  const response = await fetch(`${server.url}/api/projects/import`, { method: 'POST', body: form, headers });
  return { status: response.status, body: await response.json() };
}

/** Every entry of a zip, in order, as bytes (test archives are small). */
export async function readZip(bytes: Buffer): Promise<Array<{ name: string; data: Buffer }>> {
  const zip = await yauzl.fromBufferPromise(bytes, { lazyEntries: true });
  const entries: Array<{ name: string; data: Buffer }> = [];
  for await (const entry of zip.eachEntry()) {
    const stream = await zip.openReadStreamPromise(entry);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
  }
  zip.close();
  return entries;
}

/** Writes entries as a zip, the way an editing tool (or an attacker) would. */
export async function writeZip(entries: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Rewrites one entry of an archive (the others are copied unchanged). */
export async function rewriteEntry(bytes: Buffer, name: string, change: (data: Buffer) => Buffer): Promise<Buffer> {
  const entries = await readZip(bytes);
  return writeZip(entries.map((entry) => (entry.name === name ? { name, data: change(entry.data) } : entry)));
}

/**
 * Adds an entry whose stored name is `hostileName` (which zip writers refuse): written under a
 * placeholder of the same length, then the name bytes are replaced in the local and central headers.
 */
export async function withHostileEntry(bytes: Buffer, hostileName: string): Promise<Buffer> {
  const placeholder = `${'q'.repeat(hostileName.length - 2)}.q`;
  const entries = await readZip(bytes);
  const zip = await writeZip([{ name: placeholder, data: Buffer.from('planted') }, ...entries]);
  const from = Buffer.from(placeholder);
  const to = Buffer.from(hostileName);
  if (from.length !== to.length) throw new Error('names must have the same byte length');
  for (let at = zip.indexOf(from); at !== -1; at = zip.indexOf(from, at + 1)) to.copy(zip, at);
  return zip;
}

/**
 * Edits the tables of an archive and writes a manifest that matches the edit (sizes, checksums and
 * counts), as a careful editor would: what remains to refuse or accept is the content itself.
 */
export async function editArchive(bytes: Buffer, edit: (tables: Record<string, any[]>, manifest: any) => void): Promise<Buffer> {
  const { createHash } = await import('node:crypto');
  const entries = await readZip(bytes);
  const manifest = JSON.parse(entries.find((entry) => entry.name === 'manifest.json')!.data.toString());
  const tables: Record<string, any[]> = {};
  for (const entry of entries) {
    if (entry.name.endsWith('.ndjson'))
      tables[entry.name.replace('.ndjson', '')] = entry.data
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
  }
  edit(tables, manifest);
  const rewritten = entries
    .filter((entry) => entry.name !== 'manifest.json')
    .map((entry) =>
      entry.name.endsWith('.ndjson')
        ? {
            name: entry.name,
            data: Buffer.from(tables[entry.name.replace('.ndjson', '')]!.map((line) => `${JSON.stringify(line)}\n`).join('')),
          }
        : entry,
    );
  manifest.entries = rewritten.map((entry) => ({
    path: entry.name,
    size: entry.data.length,
    sha256: createHash('sha256').update(entry.data).digest('hex'),
  }));
  for (const name of ['documents', 'chunks', 'vectors', 'chats', 'messages']) manifest.counts[name] = tables[name]!.length;
  return writeZip([...rewritten, { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) }]);
}
