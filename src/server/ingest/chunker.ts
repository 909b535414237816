import type { Chunk, ParsedDocument, TextSegment } from './parsed-document.ts';

/** Between two segments in the document's full text. */
export const SEGMENT_SEPARATOR = '\n\n';

export interface ChunkOptions {
  /** Characters per chunk at most (a table header longer than half of it is the one exception). */
  chunkSize: number;
  /** Characters of the end of a chunk repeated at the start of the next, cut on a sentence, line or word. */
  chunkOverlap: number;
}

/** A piece of the full text that is never cut: a paragraph, sentence, line or word, or a table row. */
interface Span {
  start: number;
  end: number;
  /** Spreadsheet row of a table line. */
  row?: number;
  /** The paragraph (or table line) this span belongs to. */
  unit: number;
  /** Part of a paragraph (or table line) too long for one chunk: packed only with the rest of it. */
  split: boolean;
}

interface Run {
  segments: Array<{ segment: TextSegment; start: number }>;
  start: number;
  end: number;
}

/**
 * Cuts a parsed document into chunks that follow its structure. Adjacent segments with the same
 * position (page, sheet, heading, header) may share a chunk; others never do. Prose is cut between
 * paragraphs, then sentences, lines, words (a single word longer than a chunk is the only thing cut
 * inside); the overlap starts on a sentence, else a line, else a word. Table rows are cut only
 * between lines, and every chunk of a table repeats its header. A chunk's content, without that
 * header line, is exactly `fullText.slice(startChar, endChar)`, where the full text is the segments
 * joined by a blank line.
 */
export function chunkDocument(parsed: ParsedDocument, options: ChunkOptions): Chunk[] {
  const { chunkSize, chunkOverlap } = options;
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError('chunkSize must be a positive integer');
  if (!Number.isInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new RangeError('chunkOverlap must be an integer from 0 to chunkSize - 1');
  }
  const fullText = documentText(parsed);
  const chunks: Chunk[] = [];
  for (const run of groupRuns(parsed.segments)) {
    const first = run.segments[0]!.segment;
    const headerCost = first.header ? first.header.length + 1 : 0;
    // A huge header must still leave room for rows.
    const budget = Math.max(chunkSize - headerCost, Math.ceil(chunkSize / 2));
    const overlap = Math.min(chunkOverlap, budget - 1);
    const spans =
      first.kind === 'rows'
        ? rowSpans(fullText, run, budget)
        : splitProse({ text: fullText, start: run.start, end: run.end, budget, level: 0, unit: nextUnit() });
    for (const { start, end, firstRow, lastRow } of pack(fullText, spans, budget, overlap)) {
      const body = fullText.slice(start, end);
      chunks.push({
        chunkIndex: chunks.length,
        content: first.header ? `${first.header}\n${body}` : body,
        startChar: start,
        endChar: end,
        ...(first.page !== undefined ? { page: first.page } : {}),
        ...(first.heading !== undefined ? { heading: first.heading } : {}),
        ...(first.sheet !== undefined ? { sheet: first.sheet } : {}),
        ...(firstRow !== undefined && lastRow !== undefined ? { rows: `${firstRow}-${lastRow}` } : {}),
      });
    }
  }
  return chunks;
}

/** The document's full text, to which chunk offsets refer. */
export function documentText(parsed: Pick<ParsedDocument, 'segments'>): string {
  return parsed.segments.map((segment) => segment.text).join(SEGMENT_SEPARATOR);
}

function positionKey(segment: TextSegment): string {
  return JSON.stringify([segment.kind ?? 'prose', segment.page, segment.sheet, segment.heading, segment.header]);
}

function groupRuns(segments: TextSegment[]): Run[] {
  const runs: Run[] = [];
  let offset = 0;
  let previousKey: string | undefined;
  for (const segment of segments) {
    const key = positionKey(segment);
    const start = offset;
    const end = start + segment.text.length;
    offset = end + SEGMENT_SEPARATOR.length;
    const last = runs.at(-1);
    if (last && key === previousKey) {
      last.segments.push({ segment, start });
      last.end = end;
    } else {
      runs.push({ segments: [{ segment, start }], start, end });
    }
    previousKey = key;
  }
  return runs;
}

/** Table lines with their row numbers; a line too long for a chunk is cut like prose, keeping its row. */
function rowSpans(text: string, run: Run, budget: number): Span[] {
  const spans: Span[] = [];
  for (const { segment, start } of run.segments) {
    let lineStart = start;
    segment.text.split('\n').forEach((line, index) => {
      const row = segment.rowStart !== undefined ? segment.rowStart + index : undefined;
      const lineEnd = lineStart + line.length;
      const pieces: Span[] =
        line.length <= budget
          ? [{ start: lineStart, end: lineEnd, unit: nextUnit(), split: false }]
          : splitProse({ text, start: lineStart, end: lineEnd, budget, level: WORD_LEVEL, unit: nextUnit() });
      for (const span of pieces) {
        if (span.end > span.start) spans.push(row !== undefined ? { ...span, row } : span);
      }
      lineStart = lineEnd + 1;
    });
  }
  return spans;
}

/**
 * Paragraphs, then sentences, then lines, then words: the coarsest pieces that fit. Sentences come
 * before lines because a PDF breaks lines inside sentences; lines still split long lists and code.
 */
const SEPARATORS: RegExp[] = [/\n[^\S\n]*\n\s*/g, /(?<=[.!?…]["'”’)\]]*)\s+|(?<=[。！？])/g, /\n\s*/g, /\s+/g];

const WORD_LEVEL = SEPARATORS.length - 1;
let unitCounter = 0;
function nextUnit(): number {
  unitCounter += 1;
  return unitCounter;
}

/**
 * Cuts [start, end) into spans that fit the budget, with the coarsest separator that works (like a
 * recursive character splitter, but keeping offsets). Each paragraph is a unit; pieces of a paragraph
 * too long for one chunk are marked `split`.
 */
function splitProse(
  input: { text: string; start: number; end: number; budget: number; level: number; unit: number },
  out: Span[] = [],
): Span[] {
  const { text, budget, level } = input;
  let { start, end } = input;
  while (start < end && isSpace(text.charCodeAt(start))) start += 1;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end -= 1;
  if (start >= end) return out;
  // Paragraph-level pieces (and a whole run that fits) start their own unit.
  const unit = level <= 1 ? nextUnit() : input.unit;
  const split = level > 1;
  if (end - start <= budget) {
    out.push({ start, end, unit, split });
    return out;
  }
  const separator = SEPARATORS[level];
  if (!separator) {
    // One "word" longer than a chunk (a URL, base64): cut it, but never inside a surrogate pair.
    for (let position = start; position < end; ) {
      let cut = Math.min(position + budget, end);
      if (cut < end && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
      out.push({ start: position, end: cut, unit, split: true });
      position = cut;
    }
    return out;
  }
  const piece = text.slice(start, end);
  let pieceStart = 0;
  const child = (childStart: number, childEnd: number) =>
    splitProse({ text, start: start + childStart, end: start + childEnd, budget, level: level + 1, unit }, out);
  for (const match of piece.matchAll(separator)) {
    if (match[0].length === 0 && match.index === pieceStart) continue;
    child(pieceStart, match.index);
    pieceStart = match.index + match[0].length;
  }
  child(pieceStart, piece.length);
  return out;
}

/**
 * Fills chunks greedily with whole spans. The next chunk starts inside the previous one, at the
 * earliest sentence (else word, else row) start within the last `overlap` characters, as long as its
 * first new span still fits.
 */
function pack(
  text: string,
  spans: Span[],
  budget: number,
  overlap: number,
): Array<{ start: number; end: number; firstRow?: number; lastRow?: number }> {
  const chunks: Array<{ start: number; end: number; firstRow?: number; lastRow?: number }> = [];
  let next = 0;
  let chunkStart = spans[0]?.start ?? 0;
  let firstRow = spans[0]?.row;
  while (next < spans.length) {
    let last = next;
    while (last + 1 < spans.length && spans[last + 1]!.end - chunkStart <= budget && canShareChunk(spans[last]!, spans[last + 1]!)) {
      last += 1;
    }
    const end = spans[last]!.end;
    chunks.push({ start: chunkStart, end, firstRow, lastRow: spans[last]!.row });
    next = last + 1;
    if (next >= spans.length) break;
    const following = spans[next]!;
    const lowest = Math.max(end - overlap, following.end - budget, chunkStart + 1);
    const overlapStart = overlap > 0 ? findOverlapStart(text, spans, last, lowest) : undefined;
    chunkStart = overlapStart?.position ?? following.start;
    firstRow = overlapStart?.row ?? following.row;
  }
  return chunks;
}

/** Whole paragraphs share chunks; the pieces of a long one are packed only with each other. */
function canShareChunk(previous: Span, next: Span): boolean {
  return previous.unit === next.unit || (!previous.split && !next.split);
}

/** Where a sentence (or a paragraph) starts; a lone line break is not one (PDFs wrap mid-sentence). */
const SENTENCE_START = /(?:[.!?…]["'”’)\]]*\s+|\n[^\S\n]*\n\s*|[。！？])(?=\S)/g;

function findOverlapStart(text: string, spans: Span[], last: number, lowest: number): { position: number; row?: number } | undefined {
  const end = spans[last]!.end;
  if (lowest >= end) return undefined;
  // Table rows overlap by whole rows (spans are in order: the first one starting late enough).
  if (spans[last]!.row !== undefined) {
    let index = last;
    while (index > 0 && spans[index - 1]!.start >= lowest) index -= 1;
    const first = spans[index]!;
    return first.start >= lowest ? { position: first.start, row: first.row } : undefined;
  }
  const window = text.slice(lowest, end);
  SENTENCE_START.lastIndex = 0;
  const sentence = SENTENCE_START.exec(window);
  if (sentence) return { position: lowest + sentence.index + sentence[0].length };
  const line = /\n\s*(?=\S)/.exec(window);
  if (line) return { position: lowest + line.index + line[0].length };
  if (lowest === 0 || isSpace(text.charCodeAt(lowest - 1))) {
    if (!isSpace(text.charCodeAt(lowest))) return { position: lowest };
  }
  const word = /\s\S/.exec(window);
  return word ? { position: lowest + word.index + 1 } : undefined;
}

function isSpace(code: number): boolean {
  return (
    code === 0x20 ||
    code === 0x0a ||
    code === 0x09 ||
    code === 0x0d ||
    code === 0x0c ||
    code === 0xa0 ||
    code === 0x3000 ||
    (code >= 0x2000 && code <= 0x200a)
  );
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
