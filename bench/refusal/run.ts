/**
 * bench:refusal — how often `documents_only` refuses, in domain and out of domain, under each
 * relevance rule, on SciFact (../shared/datasets/scifact) with the test suite's bag-of-words
 * embedder (there is no real embedder on the build machine). The corpus is chunked as the server
 * chunks it (1000 / 200), every chunk embedded; the baseline sample is drawn the way the server draws
 * it (relevance-baseline.ts: an even sample of the project's chunks). In-domain questions are the 300
 * test claims; out-of-domain ones are everyday questions no abstract answers.
 */
import { chunkDocument } from '../../src/server/ingest/chunker.ts';
import { evenSample } from '../../src/server/analytics/even-sample.ts';
import { BASELINE_SAMPLE_SIZE, RELEVANCE_K } from '../../src/server/search/relevance-baseline.ts';
import { similarityStats, unitVectors } from '../../src/server/search/similarity-baseline.ts';
import { analyzeDocument, analyzeQuery } from '../../src/server/store/text-analyzer.ts';
import { fakeEmbedding } from '../../test/support/fake-ollama.ts';
import { collectionDirs, documentText, loadCollection } from '../retrieval/collections.ts';
import { machine, markdownTable, publish } from '../lib/report.ts';
import os from 'node:os';

const OUT_OF_DOMAIN = [
  'What is the capital of France?',
  'How do I bake sourdough bread at home?',
  'Who won the football world cup in 2014?',
  'What time does the train to Berlin leave?',
  'How do I reset my router password?',
  'What is the best way to learn the guitar?',
  'How many players are on a basketball team?',
  'Where can I buy cheap flights to Spain?',
  'How do I change a flat tyre on a bicycle?',
  'What is the plot of the movie Casablanca?',
  'How do I write a for loop in JavaScript?',
  'Which wine goes well with grilled fish?',
  'What is the tallest mountain in Europe?',
  'How do I knit a scarf for beginners?',
  'When was the Eiffel Tower built?',
  'What are the rules of chess castling?',
  'How do I plant tomatoes on a balcony?',
  'What is the exchange rate of the euro to the dollar?',
  'Who painted the Mona Lisa?',
  'How do I file my income tax return?',
  'What is a good name for a golden retriever puppy?',
  'How long should I boil an egg?',
  'What is the weather forecast for London tomorrow?',
  'How do I make a paper airplane that flies far?',
  'Which smartphone has the best camera this year?',
  'What is the speed limit on German motorways?',
  'How do I clean a cast iron pan?',
  'Who wrote the novel Pride and Prejudice?',
  'How do I set up a printer on my laptop?',
  'What are the opening hours of the museum on Sunday?',
  'How do I tie a bow tie?',
  'What is the population of Tokyo?',
  'How can I improve my chess openings?',
  'What is the difference between a violin and a viola?',
  'How do I get a parking permit in my city?',
  'Which board games are fun for four players?',
  'What should I pack for a weekend hiking trip?',
  'How do I transfer photos from my phone to my computer?',
  'What is the recipe for a classic margarita pizza?',
  'Who is the lead singer of the band Queen?',
];

const ks = [0, 1, 2, 3, 4, 5, 6];

function main() {
  const dir = collectionDirs().find((candidate) => candidate.endsWith('scifact'));
  if (!dir) throw new Error('SciFact is missing: expected ../shared/datasets/scifact');
  const collection = loadCollection(dir);
  const started = performance.now();

  // 1. Chunk and embed the corpus as the server would (one prose segment per abstract).
  const chunks: Array<{ documentId: number; vector: Float32Array; terms: Set<string> }> = [];
  const vocabulary = new Set<string>();
  collection.corpus.forEach((document, documentId) => {
    const text = documentText(document);
    const parsed = { fileType: 'txt' as const, segments: [{ text, kind: 'prose' as const }], wordCount: 0, metadata: {} };
    for (const chunk of chunkDocument(parsed, { chunkSize: 1000, chunkOverlap: 200 })) {
      const terms = new Set(analyzeDocument(chunk.content));
      chunks.push({ documentId, vector: Float32Array.from(fakeEmbedding(chunk.content)), terms });
      for (const term of terms) vocabulary.add(term);
    }
  });

  // 2. The project's baseline sample, as the server draws it.
  const sample = unitVectors(evenSample(chunks, BASELINE_SAMPLE_SIZE).map((chunk) => chunk.vector));

  // 3. Each question's best cosine similarity, and whether full text would match it at all.
  const best = (question: string) => {
    const query = Float32Array.from(fakeEmbedding(question));
    const sims = new Float32Array(chunks.length);
    chunks.forEach((chunk, position) => {
      let sum = 0;
      for (let index = 0; index < query.length; index += 1) sum += query[index]! * chunk.vector[index]!;
      sims[position] = sum;
    });
    // The 40 nearest, as the server's vector search returns them.
    const nearest = [...sims].sort((a, b) => b - a).slice(0, 40);
    return { top: nearest[0]!, nearest };
  };
  const fullTextMatch = (question: string) => [...analyzeQuery(question).keys()].some((term) => vocabulary.has(term));
  const inDomain = [...collection.test.keys()].map((id) => collection.queries.get(id)!).filter(Boolean);
  const measure = (questions: string[]) =>
    questions.map((question) => {
      const stats = similarityStats(fakeEmbedding(question), sample)!;
      const { top, nearest } = best(question);
      const rest = nearest.slice(1);
      const restMean = rest.reduce((sum, value) => sum + value, 0) / rest.length;
      const restStd = Math.sqrt(rest.reduce((sum, value) => sum + (value - restMean) ** 2, 0) / rest.length) || 1;
      const gap = (top - restMean) / restStd;
      // The largest share of the question's search terms one passage holds.
      const terms = [...analyzeQuery(question).keys()];
      let coverage = 0;
      for (const chunk of chunks) {
        let found = 0;
        for (const term of terms) if (chunk.terms.has(term)) found += 1;
        coverage = Math.max(coverage, found / (terms.length || 1));
      }
      return { top, z: (top - stats.mean) / (stats.std || 1), gap, fullText: fullTextMatch(question), coverage };
    });
  const inside = measure(inDomain);
  const outside = measure(OUT_OF_DOMAIN);
  const seconds = (performance.now() - started) / 1000;

  type Row = (typeof inside)[number];
  const refused = (rows: Row[], relevant: (row: Row) => boolean, withFullText: boolean) =>
    rows.filter((row) => !(relevant(row) || (withFullText && row.fullText))).length / rows.length;
  const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
  const rules: Array<{ rule: string; relevant: (row: Row) => boolean }> = [
    { rule: 'fixed cosine ≥ 0.5 (before)', relevant: (row) => row.top >= 0.5 },
    ...ks.map((k) => ({
      rule: `best ≥ mean + ${k}·std of the question's similarity to the sample${k === RELEVANCE_K ? ' (chosen)' : ''}`,
      relevant: (row: Row) => row.z >= k,
    })),
  ];
  for (const k of [2, 3, 4, 5]) {
    rules.push({ rule: `best stands ${k}·std above the other 39 nearest`, relevant: (row: Row) => row.gap >= k });
  }
  for (const share of [0.5, 0.6, 0.75]) {
    rules.push({
      rule: `one passage holds ≥ ${share * 100} % of the question's search terms`,
      relevant: (row: Row) => row.coverage >= share,
    });
  }
  const rows = rules.map(({ rule, relevant }) => ({
    rule,
    'in-domain refused (rule alone)': percent(refused(inside, relevant, false)),
    'out-of-domain refused (rule alone)': percent(refused(outside, relevant, false)),
    'in-domain refused (rule, or any full-text match counts, as today)': percent(refused(inside, relevant, true)),
    'out-of-domain refused (rule, or any full-text match)': percent(refused(outside, relevant, true)),
  }));
  const quantiles = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(3);
    return `p10 ${at(0.1)} · median ${at(0.5)} · p90 ${at(0.9)}`;
  };
  const load = os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');
  const markdown = [
    '## documents_only refusal (bench:refusal)',
    '',
    `SciFact, ${collection.corpus.length} abstracts → ${chunks.length} chunks (1000 / 200), the test suite's bag-of-words embedder (768 dimensions); ` +
      `${inside.length} in-domain claims (BEIR test split), ${outside.length} everyday out-of-domain questions. ` +
      `Baseline sample: ${sample.length} chunks. ` +
      `Best cosine similarity, in domain: ${quantiles(inside.map((row) => row.top))}; out of domain: ${quantiles(outside.map((row) => row.top))}. ` +
      `Its z-score against the sample, in domain: ${quantiles(inside.map((row) => row.z))}; out of domain: ${quantiles(outside.map((row) => row.z))}. ` +
      `Gap of the best over the other 39 nearest, in domain: ${quantiles(inside.map((row) => row.gap))}; out of domain: ${quantiles(outside.map((row) => row.gap))}. ` +
      `Out-of-domain questions with a full-text match: ${outside.filter((row) => row.fullText).length} of ${outside.length}. ` +
      `${seconds.toFixed(1)} s, load ${load} (1 / 5 / 15 min).`,
    '',
    markdownTable(rows),
  ].join('\n');
  publish(
    'refusal',
    { machine: machine(), load: os.loadavg(), sample: sample.length, chunks: chunks.length, rules: rows, seconds, k: RELEVANCE_K },
    markdown,
  );
}

main();
