/**
 * The name shown for a document: the last path component of what the client sent, without control
 * or bidirectional-override characters, at most 255 UTF-8 bytes. It is only ever displayed and put
 * into a safe Content-Disposition; files on disk get server-generated names.
 */
export function displayFilename(raw: string | undefined): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  let name = base
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
  if (Buffer.byteLength(name, 'utf8') > 255) {
    // Shorten the stem, keep the extension.
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    let stem = Array.from(extension ? name.slice(0, dot) : name);
    while (Buffer.byteLength(stem.join('') + extension, 'utf8') > 255) stem = stem.slice(0, -1);
    name = stem.join('') + extension;
  }
  if (!name || name === '.' || name === '..') return 'document';
  return name;
}
