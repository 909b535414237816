import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParserPool, type ParserPool } from '../../../src/server/ingest/parser-pool.ts';
import { DocumentParseError, type DocumentFileType } from '../../../src/server/ingest/parsed-document.ts';
import {
  makeCorruptPdf,
  makeDocx,
  makeEncryptedPdf,
  makeManyEntriesDocx,
  makePdf,
  makePdfWithoutText,
  makePng,
  makeTruncatedPdf,
  makeXlsx,
  makeXmlBombDocx,
  makeXxeDocx,
  makeZipBomb,
} from '../../support/document-fixtures.ts';
import { createTempDir } from '../../support/temp-files.ts';
import { buildZip } from '../../support/zip-writer.ts';

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/**
 * A DOCX whose `_rels/.rels` sends mammoth to a main part with an odd name (`word/main.bin`) that
 * carries `doctype`; the innocent `word/document.xml` is only there to pass type detection.
 */
function makeOddMainPartDocx(doctype: string, body: string): Buffer {
  const rels =
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/main.bin"/></Relationships>';
  const main = `<?xml version="1.0" encoding="UTF-8"?>\n${doctype}<w:document xmlns:w="${W_NS}"><w:body><w:p><w:r><w:t>${body}</w:t></w:r></w:p></w:body></w:document>`;
  return buildZip([
    {
      name: '[Content_Types].xml',
      data: '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="bin" ContentType="application/xml"/></Types>',
    },
    { name: '_rels/.rels', data: rels },
    {
      name: 'word/document.xml',
      data: `<?xml version="1.0"?><w:document xmlns:w="${W_NS}"><w:body><w:p><w:r><w:t>Decoy</w:t></w:r></w:p></w:body></w:document>`,
    },
    // Leading white space, as XML allows, so a check of the first bytes only would miss it.
    { name: 'word/main.bin', data: `${' '.repeat(100)}${main}` },
  ]);
}

/**
 * Every hostile or broken file ends as a DocumentParseError with the right reason, through the real
 * worker pool, and the pool (and this process) carries on with the next document.
 */
const temp = createTempDir();
let pool: ParserPool;

beforeAll(() => {
  pool = createParserPool({ size: 2, timeoutMs: 20_000, maxMemoryMb: 256 });
});
afterAll(async () => {
  await pool.close();
  temp.remove();
});

async function failure(filename: string, fileType: DocumentFileType, bytes: Buffer): Promise<DocumentParseError> {
  const filePath = temp.write(filename, bytes);
  const error = await pool.process({ filePath, fileType, filename, chunkSize: 500, chunkOverlap: 50 }).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, `${filename} must fail`).toBeInstanceOf(DocumentParseError);
  return error as DocumentParseError;
}

describe('hostile and broken documents', () => {
  it('rejects zip bombs dressed as DOCX and XLSX before inflating them', async () => {
    for (const kind of ['docx', 'xlsx'] as const) {
      const error = await failure(`bomb.${kind}`, kind, await makeZipBomb(kind));
      expect(error.reason).toBe('too_large');
      expect(error.message).toMatch(/zip bomb|unpacks to more/);
    }
  });

  it('catches a zip bomb whose headers lie about its size while inflating', async () => {
    for (const kind of ['docx', 'xlsx'] as const) {
      const error = await failure(`liar.${kind}`, kind, await makeZipBomb(kind, { lie: true }));
      expect(error.reason).toBe('corrupt');
    }
  });

  it('rejects a DOCX with thousands of parts', async () => {
    expect((await failure('many.docx', 'docx', makeManyEntriesDocx())).reason).toBe('too_large');
  });

  it('rejects XML bombs and external entities', async () => {
    const bomb = await failure('laughs.docx', 'docx', makeXmlBombDocx());
    expect(bomb).toMatchObject({ reason: 'corrupt', message: expect.stringMatching(/XML entities/) });
    expect((await failure('xxe.docx', 'docx', makeXxeDocx())).reason).toBe('corrupt');
  });

  it('scans every part a parser reads, whatever its name: an odd main part with an XML bomb or XXE', async () => {
    const entities = ['<!ENTITY lol0 "lol">'];
    for (let level = 1; level <= 9; level += 1) entities.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
    const bomb = await failure('odd-bomb.docx', 'docx', makeOddMainPartDocx(`<!DOCTYPE w:document [${entities.join('')}]>`, '&lol9;'));
    expect(bomb).toMatchObject({ reason: 'corrupt', message: expect.stringMatching(/XML entities/) });
    const xxe = await failure(
      'odd-xxe.docx',
      'docx',
      makeOddMainPartDocx('<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', '&xxe;'),
    );
    expect(xxe).toMatchObject({ reason: 'corrupt', message: expect.stringMatching(/XML entities/) });
  });

  it('explains PDFs it cannot read: no text layer, password, damaged, not a PDF', async () => {
    expect(await failure('scan.pdf', 'pdf', await makePdfWithoutText())).toMatchObject({
      reason: 'no_text_layer',
      message: 'This PDF has no text layer (scanned?); OCR is not supported yet',
    });
    expect((await failure('locked.pdf', 'pdf', await makeEncryptedPdf())).reason).toBe('encrypted');
    expect((await failure('noise.pdf', 'pdf', makeCorruptPdf())).reason).toBe('corrupt');
    expect((await failure('cut.pdf', 'pdf', await makeTruncatedPdf())).reason).toBe('corrupt');
    expect((await failure('image.pdf', 'pdf', makePng())).reason).toBe('corrupt');
  });

  it('fails empty documents as empty', async () => {
    expect((await failure('blank.docx', 'docx', await makeDocx([{ paragraphs: [' '] }]))).reason).toBe('empty');
    expect((await failure('blank.xlsx', 'xlsx', await makeXlsx([{ name: 'Empty', rows: [] }]))).reason).toBe('empty');
    expect((await failure('blank.txt', 'txt', Buffer.from(' \n\n '))).reason).toBe('empty');
    expect((await failure('blank.csv', 'csv', Buffer.from('\n\n'))).reason).toBe('empty');
  });

  it('fails a file of the wrong type as corrupt', async () => {
    expect((await failure('pdf.docx', 'docx', await makePdf(['x']))).reason).toBe('corrupt');
    expect((await failure('docx.xlsx', 'xlsx', await makeDocx([{ paragraphs: ['x'] }]))).reason).toBe('corrupt');
  });

  it('still parses a good document afterwards', async () => {
    const filePath = temp.write('fine.pdf', await makePdf(['Still working after all that.']));
    const result = await pool.process({ filePath, fileType: 'pdf', filename: 'fine.pdf', chunkSize: 500, chunkOverlap: 0 });
    expect(result.chunks).toEqual([{ chunkIndex: 0, content: 'Still working after all that.', startChar: 0, endChar: 29, page: 1 }]);
  });
});
