// STAND-IN, replaced by the parse branch: simple fixed windows with offsets (rows cut between lines).
import type { Chunk, ParsedDocument } from './parsed-document.ts';

/** Cuts a parsed document into chunks that keep their offsets in the joined text and their position. */
export function chunkDocument(parsed: ParsedDocument, options: { chunkSize: number; chunkOverlap: number }): Chunk[] {
  const size = Math.max(50, options.chunkSize);
  const step = Math.max(1, size - Math.min(options.chunkOverlap, size - 1));
  const chunks: Chunk[] = [];
  let offset = 0;
  for (const segment of parsed.segments) {
    const base = { page: segment.page, heading: segment.heading, sheet: segment.sheet };
    if (segment.kind === 'rows' && segment.rowStart !== undefined) {
      const lines = segment.text.split('\n');
      let lineOffset = offset;
      let start = 0;
      while (start < lines.length) {
        let end = start;
        let length = 0;
        while (end < lines.length && (end === start || length + lines[end]!.length + 1 <= size)) length += lines[end++]!.length + 1;
        const body = lines.slice(start, end).join('\n');
        chunks.push({
          ...base,
          chunkIndex: chunks.length,
          content: segment.header ? `${segment.header}\n${body}` : body,
          startChar: lineOffset,
          endChar: lineOffset + body.length,
          rows: `${segment.rowStart + start}-${segment.rowStart + end - 1}`,
        });
        lineOffset += length;
        start = end;
      }
    } else {
      for (let start = 0; start < segment.text.length; start += step) {
        const content = segment.text.slice(start, start + size);
        if (content.trim()) chunks.push({ ...base, chunkIndex: chunks.length, content, startChar: offset + start, endChar: offset + start + content.length });
        if (start + size >= segment.text.length) break;
      }
    }
    offset += segment.text.length + 2;
  }
  return chunks;
}
