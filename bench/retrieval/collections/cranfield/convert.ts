/**
 * Builds the BEIR-layout Cranfield files next to this script from the original distribution
 * (`cran.all.1400`, `cran.qry`, `cranqrel`), e.g. `npx tsx convert.ts /path/to/originals`.
 * Queries are numbered 1…225 in file order, as `cranqrel` numbers them (the `.I` numbers in
 * `cran.qry` skip values). Relevance codes 1 (complete answer) … 4 (minimum interest) become
 * graded gains 4 … 1; code −1 / 5 (no interest) is dropped.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const source = process.argv[2] ?? '.';
const here = path.dirname(new URL(import.meta.url).pathname);

function records(text: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let current: Record<string, string> | undefined;
  let field = '';
  for (const line of text.split('\n')) {
    const marker = /^\.([IWTAB])\b\s*(.*)$/.exec(line);
    if (marker) {
      if (marker[1] === 'I') {
        current = { I: marker[2]!.trim() };
        out.push(current);
      } else field = marker[1]!;
      continue;
    }
    if (current && field) current[field] = `${current[field] ?? ''}${line}\n`;
  }
  return out;
}

const clean = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();
const documents = records(fs.readFileSync(path.join(source, 'cran.all.1400'), 'utf8'));
const corpus = documents.map((doc) => JSON.stringify({ _id: doc.I, title: clean(doc.T), text: clean(doc.W) })).join('\n');
fs.writeFileSync(path.join(here, 'corpus.jsonl.gz'), zlib.gzipSync(`${corpus}\n`, { level: 9 }));
const queries = records(fs.readFileSync(path.join(source, 'cran.qry'), 'utf8'));
fs.writeFileSync(
  path.join(here, 'queries.jsonl'),
  `${queries.map((query, index) => JSON.stringify({ _id: String(index + 1), text: clean(query.W) })).join('\n')}\n`,
);
const qrels = ['query-id\tcorpus-id\tscore'];
for (const line of fs.readFileSync(path.join(source, 'cranqrel'), 'utf8').trim().split('\n')) {
  const [query, doc, code] = line.trim().split(/\s+/).map(Number);
  if (!(code! >= 1 && code! <= 4)) continue;
  qrels.push(`${query}\t${doc}\t${5 - code!}`);
}
fs.mkdirSync(path.join(here, 'qrels'), { recursive: true });
fs.writeFileSync(path.join(here, 'qrels/test.tsv'), `${qrels.join('\n')}\n`);
console.log(`${documents.length} documents, ${queries.length} queries, ${qrels.length - 1} judgements`);
