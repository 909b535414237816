import fs from 'node:fs';
import path from 'node:path';
import { makePdf, makePdfWithoutText, makePng, makeXlsx } from './document-fixtures.ts';

const VACATION = '# Vacation\n\nEvery employee gets 25 vacation days per year.\n';

/**
 * A folder to ingest, with sub-folders: four documents that complete (PDF with pages, Markdown with
 * a heading, XLSX with a sheet, another Markdown), one that fails (a PDF without a text layer), one
 * duplicate of a document in another folder, and one unsupported file.
 */
export async function writeHandbookFolder(root: string): Promise<{
  folder: string;
  completed: string[];
  failed: string;
  duplicate: string;
  skipped: string;
}> {
  const folder = path.join(root, 'handbook');
  const write = (relative: string, bytes: Buffer | string) => {
    const filePath = path.join(folder, relative);
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    fs.writeFileSync(filePath, bytes);
  };
  write('guide.pdf', await makePdf(['Parking is behind the building.', 'Vacation days are booked in the portal.']));
  write('overview.md', '# Overview\n\nThe handbook explains vacation days and office hours.\n');
  write('policies/vacation.md', VACATION);
  write(
    'policies/holidays.xlsx',
    await makeXlsx([
      {
        name: 'Holidays',
        rows: [
          ['Date', 'Holiday'],
          ['2026-12-25', 'Christmas vacation day'],
          ['2026-12-26', 'Boxing day'],
        ],
      },
    ]),
  );
  write('scans/scanned.pdf', await makePdfWithoutText(1));
  write('scans/vacation-again.md', VACATION);
  write('scans/logo.png', makePng());
  return {
    folder,
    completed: ['handbook/guide.pdf', 'handbook/overview.md', 'handbook/policies/vacation.md', 'handbook/policies/holidays.xlsx'],
    failed: 'handbook/scans/scanned.pdf',
    duplicate: 'handbook/scans/vacation-again.md',
    skipped: 'handbook/scans/logo.png',
  };
}
