import { afterAll, describe, expect, it } from 'vitest';
import { detectFileType } from '../../../src/server/ingest/detect-file-type.ts';
import {
  latin1,
  makeDocx,
  makeEncryptedOfficeFile,
  makeOle2,
  makePdf,
  makePng,
  makeXlsx,
  makeZipBomb,
  utf16,
} from '../../support/document-fixtures.ts';
import { buildZip } from '../../support/zip-writer.ts';
import { createTempDir } from '../../support/temp-files.ts';

const temp = createTempDir();
afterAll(() => temp.remove());

async function detect(filename: string, bytes: Buffer | string) {
  return detectFileType({ filePath: temp.write(filename, bytes), filename });
}

describe('detectFileType', () => {
  it('knows PDF, DOCX and XLSX by their bytes', async () => {
    const pdf = await makePdf(['Hello']);
    const docx = await makeDocx([{ paragraphs: ['Hello'] }]);
    const xlsx = await makeXlsx([{ name: 'S', rows: [['a'], ['b']] }]);
    expect(await detect('report.pdf', pdf)).toEqual({ ok: true, fileType: 'pdf', mimeType: 'application/pdf' });
    expect(await detect('letter.docx', docx)).toMatchObject({
      ok: true,
      fileType: 'docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    });
    expect(await detect('sheet.xlsx', xlsx)).toMatchObject({ ok: true, fileType: 'xlsx' });
    expect(await detect('REPORT.PDF', pdf)).toMatchObject({ ok: true, fileType: 'pdf' });
    expect(await detect('no-extension', pdf)).toMatchObject({ ok: true, fileType: 'pdf' });
    // Detection only reads the directory: a bomb still looks like a DOCX (the worker's guard rejects it).
    expect(await detect('bomb.docx', await makeZipBomb('docx', { size: 8 * 1024 * 1024 }))).toMatchObject({ ok: true, fileType: 'docx' });
  });

  it('refuses a file whose name declares another type than its bytes, for every format', async () => {
    const pdf = await makePdf(['Hello']);
    const docx = await makeDocx([{ paragraphs: ['Hello'] }]);
    const xlsx = await makeXlsx([{ name: 'S', rows: [['a'], ['b']] }]);
    const html = '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>';
    for (const [name, bytes, contents] of [
      ['report.txt', pdf, 'a PDF'],
      ['report.exe', pdf, 'a PDF'],
      ['letter.xlsx', docx, 'a Word document'],
      ['letter.pdf', docx, 'a Word document'],
      ['sheet.pdf', xlsx, 'an Excel workbook'],
      ['sheet.docx', xlsx, 'an Excel workbook'],
    ] as const) {
      expect(await detect(name, bytes), name).toEqual({
        ok: false,
        reason: 'mismatch',
        message: `This file is named ${name.slice(name.lastIndexOf('.'))} but its contents are ${contents}: rename it to ${{ 'a PDF': '.pdf', 'a Word document': '.docx', 'an Excel workbook': '.xlsx' }[contents]} or upload the right file`,
      });
    }
    for (const name of ['page.pdf', 'page.docx', 'page.xlsx']) {
      expect(await detect(name, html), name).toMatchObject({
        ok: false,
        message: expect.stringMatching(/^This file is named \.(pdf|docx|xlsx) but its contents are HTML, not /),
      });
    }
    expect(await detect('notes.pdf', 'just words')).toMatchObject({
      ok: false,
      message: expect.stringContaining('its contents are text, not a PDF'),
    });
  });

  it('refuses a PNG named .pdf, executables, other ZIPs and unknown text types', async () => {
    for (const [name, bytes] of [
      ['scan.pdf', makePng()],
      ['program.txt', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0), Buffer.from('This program cannot be run in DOS mode')])],
      ['archive.docx', buildZip([{ name: 'readme.txt', data: 'hi' }])],
      ['slides.pptx', buildZip([{ name: 'ppt/presentation.xml', data: '<p/>' }])],
      ['data.json', '{"a": 1}'],
      ['broken.docx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(100, 7)])],
    ] as const) {
      const result = await detect(name, bytes);
      expect(result, name).toMatchObject({ ok: false, reason: 'unsupported' });
      if (!result.ok) expect(result.message).toMatch(/PDF, DOCX, XLSX/);
    }
  });

  it('says when a name promises text or a PDF but the bytes are something else', async () => {
    expect(await detect('scan.pdf', makePng())).toMatchObject({
      message: expect.stringMatching(/^This file is named \.pdf but its contents are not a PDF:/),
    });
    expect(await detect('notes.txt', makePng())).toMatchObject({
      message: expect.stringMatching(/^This file is named \.txt but its contents are not text:/),
    });
    expect(await detect('picture.png', makePng())).toMatchObject({ message: expect.stringMatching(/^This file type is not supported:/) });
  });

  it('explains legacy .doc and .xls files', async () => {
    expect(await detect('old.doc', makeOle2('doc'))).toEqual({
      ok: false,
      reason: 'legacy_office',
      message: 'Legacy .doc files are not supported: save it as .docx and upload again',
    });
    expect(await detect('old.xls', makeOle2('xls'))).toMatchObject({ reason: 'legacy_office', message: expect.stringContaining('.xlsx') });
    expect(await detect('renamed.bin', makeOle2('xls'))).toMatchObject({
      reason: 'legacy_office',
      message: expect.stringContaining('.xls files'),
    });
    expect(await detect('locked.docx', makeEncryptedOfficeFile())).toMatchObject({
      ok: false,
      reason: 'unsupported',
      message: expect.stringContaining('password'),
    });
  });

  it('chooses among text formats by extension, and sniffs HTML', async () => {
    expect(await detect('notes.txt', 'plain words')).toMatchObject({ ok: true, fileType: 'txt', mimeType: 'text/plain' });
    expect(await detect('README.md', '# Title')).toMatchObject({ ok: true, fileType: 'md', mimeType: 'text/markdown' });
    expect(await detect('table.csv', 'a,b\n1,2')).toMatchObject({ ok: true, fileType: 'csv', mimeType: 'text/csv' });
    expect(await detect('table.tsv', 'a\tb\n1\t2')).toMatchObject({ ok: true, fileType: 'csv' });
    expect(await detect('page.htm', '<p>hi</p>')).toMatchObject({ ok: true, fileType: 'html', mimeType: 'text/html' });
    // The declared text type wins: HTML saved as .txt is plain text to us.
    expect(await detect('saved.txt', '\n  <!DOCTYPE html><html><body>x</body></html>')).toMatchObject({ ok: true, fileType: 'txt' });
    expect(await detect('noext', '<html><body>x</body></html>')).toMatchObject({ ok: true, fileType: 'html' });
    expect(await detect('utf16.txt', utf16('Grüße', 'le'))).toMatchObject({ ok: true, fileType: 'txt' });
    expect(await detect('utf16be.csv', utf16('a;b\n1;2', 'be'))).toMatchObject({ ok: true, fileType: 'csv' });
    expect(await detect('latin1.md', latin1('# Café'))).toMatchObject({ ok: true, fileType: 'md' });
  });

  it('refuses text with NUL bytes, and empty files', async () => {
    expect(await detect('nul.txt', Buffer.from('abc\u0000def'))).toMatchObject({ ok: false, reason: 'unsupported' });
    expect(await detect('empty.pdf', Buffer.alloc(0))).toEqual({ ok: false, reason: 'empty', message: 'The file is empty' });
  });
});
