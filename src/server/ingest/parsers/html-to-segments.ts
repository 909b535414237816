import { Parser } from 'htmlparser2';
import type { TextSegment } from '../parsed-document.ts';
import { HeadingPath } from './heading-path.ts';

/** Elements whose content is never shown to a reader. */
const INVISIBLE = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'head',
  'iframe',
  'object',
  'embed',
  'canvas',
  'svg',
  'math',
  'select',
  'datalist',
  'dialog',
]);
/** Elements that end the paragraph before them and start a new one. */
const BLOCK = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'nav',
  'aside',
  'blockquote',
  'pre',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'figure',
  'figcaption',
  'address',
  'hr',
  'form',
  'fieldset',
  'details',
  'summary',
  'caption',
  'body',
  'html',
]);
const HEADING = /^h[1-6]$/;

export interface HtmlSegments {
  segments: TextSegment[];
  /** The `<title>`, when the page has one. */
  title?: string;
}

/**
 * Walks HTML (a web page, or mammoth's rendering of a DOCX) and keeps what a reader sees: prose grouped
 * in sections under the nearest heading (whose text opens the section), and each table as rows
 * `cell | cell`, its first row as the header repeated in every chunk.
 */
export function htmlToSegments(html: string): HtmlSegments {
  const walker = new SegmentWalker();
  const openTags: Array<{ name: string; hidden: boolean }> = [];
  let hiddenDepth = 0;
  let title: string | undefined;
  let inTitle = false;

  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const hidden = INVISIBLE.has(name) || attributes.hidden !== undefined || attributes['aria-hidden'] === 'true';
        openTags.push({ name, hidden });
        if (hidden) hiddenDepth += 1;
        if (name === 'title') inTitle = true;
        if (hiddenDepth > 0) return;
        walker.open(name);
      },
      ontext(text) {
        if (inTitle) title = (title ?? '') + text;
        if (hiddenDepth === 0) walker.text(text);
      },
      onclosetag(name) {
        // htmlparser2 closes implied and void elements itself, so the stack stays balanced.
        const open = openTags.pop();
        if (name === 'title') inTitle = false;
        if (open?.hidden) {
          hiddenDepth -= 1;
          return;
        }
        if (hiddenDepth === 0) walker.close(name);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  walker.finish();
  const cleanTitle = title ? collapse(title) : '';
  return { segments: walker.segments, ...(cleanTitle ? { title: cleanTitle } : {}) };
}

class SegmentWalker {
  readonly segments: TextSegment[] = [];
  private readonly headings = new HeadingPath();
  private headingLevel = 1;
  private paragraphs: string[] = [];
  /** The paragraph being read, as lines (`<br>` breaks a line). */
  private lines: string[] = [''];
  private preDepth = 0;
  private headingText: string | undefined;
  private tables: Array<{ rows: string[][]; row: string[] | undefined; cell: string | undefined }> = [];

  open(name: string): void {
    const table = this.tables.at(-1);
    if (name === 'table') {
      if (table) return; // a nested table reads as text of the outer cell
      this.endParagraph();
      this.tables.push({ rows: [], row: undefined, cell: undefined });
      return;
    }
    if (table && this.tables.length === 1) {
      if (name === 'tr') table.row = [];
      else if (name === 'td' || name === 'th') table.cell = '';
      else if (name === 'br' || BLOCK.has(name) || HEADING.test(name)) this.text(' ');
      return;
    }
    if (HEADING.test(name)) {
      this.endParagraph();
      this.headingText = '';
      this.headingLevel = Number(name.slice(1)) || 1;
    } else if (name === 'br') {
      this.lines.push('');
    } else if (BLOCK.has(name)) {
      this.endParagraph();
    }
    if (name === 'pre') this.preDepth += 1;
  }

  text(text: string): void {
    const table = this.tables.at(-1);
    if (table) {
      if (table.cell !== undefined) table.cell += text;
      return;
    }
    if (this.headingText !== undefined) {
      this.headingText += text;
      return;
    }
    if (this.preDepth > 0) {
      const [first, ...rest] = text.split('\n');
      this.lines[this.lines.length - 1] += first ?? '';
      this.lines.push(...rest);
    } else {
      this.lines[this.lines.length - 1] += text;
    }
  }

  close(name: string): void {
    const table = this.tables.at(-1);
    if (table) {
      if (name === 'table') this.endTable();
      else if ((name === 'td' || name === 'th') && table.row && table.cell !== undefined) {
        table.row.push(collapse(table.cell));
        table.cell = undefined;
      } else if (name === 'tr' && table.row) {
        if (table.row.some((cell) => cell !== '')) table.rows.push(table.row);
        table.row = undefined;
      }
      return;
    }
    if (HEADING.test(name) && this.headingText !== undefined) {
      const heading = collapse(this.headingText);
      this.headingText = undefined;
      if (heading) {
        this.endSection();
        this.headings.enter(this.headingLevel, heading);
        this.paragraphs.push(heading);
      }
      return;
    }
    if (name === 'pre') this.preDepth = Math.max(0, this.preDepth - 1);
    if (BLOCK.has(name)) this.endParagraph(name === 'pre');
  }

  finish(): void {
    while (this.tables.length > 0) this.endTable();
    this.endSection();
  }

  private endParagraph(preformatted = false): void {
    const lines = preformatted ? this.lines.map((line) => line.replace(/\s+$/, '')) : this.lines.map(collapse);
    const paragraph = lines
      .join('\n')
      .replace(/^\n+|\n+$/g, '')
      .replace(/\n{2,}/g, '\n');
    if (paragraph.trim()) this.paragraphs.push(paragraph);
    this.lines = [''];
  }

  private endSection(): void {
    this.endParagraph();
    if (this.paragraphs.length > 0) {
      this.segments.push({ text: this.paragraphs.join('\n\n'), kind: 'prose', ...this.position() });
    }
    this.paragraphs = [];
  }

  private endTable(): void {
    const table = this.tables.pop();
    if (!table) return;
    if (table.row?.some((cell) => cell !== '')) table.rows.push(table.row);
    if (table.rows.length === 0) return;
    this.endSection();
    const lines = table.rows.map((row) => {
      let end = row.length;
      while (end > 0 && row[end - 1] === '') end -= 1;
      return row.slice(0, end).join(' | ');
    });
    if (lines.length === 1) {
      this.segments.push({ text: lines[0]!, kind: 'rows', ...this.position() });
    } else {
      this.segments.push({ text: lines.slice(1).join('\n'), header: lines[0]!, kind: 'rows', ...this.position() });
    }
  }

  private position(): Pick<TextSegment, 'heading'> {
    const heading = this.headings.current();
    return heading ? { heading } : {};
  }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
