import { parentPort, workerData } from 'node:worker_threads';
import { cosineSimilarityMatrix } from '../math/cosine-similarity-matrix.ts';
import { averageSimilarity, NormAccumulator } from '../math/embedding-statistics.ts';
import { MeanPool } from '../math/mean-pool.ts';
import { principalComponents } from '../math/principal-components.ts';
import { termCounts, termVectors } from '../math/term-vectors.ts';
import { tsneProjection } from '../math/tsne-projection.ts';
import { umapProjection } from '../math/umap-projection.ts';
import { normalizeRows, vectorNorm, type VectorRow } from '../math/vector-rows.ts';
import type {
  ComputeInput,
  ComputeResults,
  ComputeTask,
  FromComputeWorker,
  StreamPage,
  StreamTask,
  ToComputeWorker,
} from './compute-task.ts';

/** One task per worker: it computes, posts the result and is ended by its owner (or terminated early). */
const task = (workerData as { task: ComputeTask | StreamTask }).task;
const send = (message: FromComputeWorker) => parentPort!.postMessage(message);

function rowsOf(input: ComputeInput): VectorRow[] {
  return input.kind === 'vectors' ? input.rows : termVectors(input.texts.map((text) => termCounts(text)));
}

function run(task: ComputeTask): ComputeResults[keyof ComputeResults] {
  const onProgress = (done: number) => send({ type: 'progress', done });
  switch (task.type) {
    case 'reduce': {
      // Unit rows first, as the original: the map then shows directions, which is what cosine search ranks by.
      const rows = normalizeRows(rowsOf(task.input));
      switch (task.method) {
        case 'pca': {
          const { coordinates, explainedVarianceRatio } = principalComponents(rows, task.dimensions);
          return { coordinates, explainedVariance: explainedVarianceRatio };
        }
        case 'tsne':
          return {
            coordinates: tsneProjection({ rows, dimensions: task.dimensions, perplexity: task.perplexity, onProgress }),
            explainedVariance: null,
          };
        case 'umap':
          return {
            coordinates: umapProjection({ rows, dimensions: task.dimensions, neighbors: task.neighbors, onProgress }),
            explainedVariance: null,
          };
        default:
          throw new Error(`unknown method ${String((task as { method: unknown }).method)}`);
      }
    }
    case 'similarity':
      return { matrix: cosineSimilarityMatrix(rowsOf(task.input)) };
    case 'average-similarity':
      return { averageSimilarity: averageSimilarity(rowsOf(task.input)) };
    default:
      throw new Error(`unknown task ${String((task as { type: unknown }).type)}`);
  }
}

/** Takes pages as they come and gives the result at the end. */
function streamed(task: StreamTask): { take(page: StreamPage): void; finish(): ComputeResults[keyof ComputeResults] } {
  const eachRow = (page: StreamPage, onRow: (key: number, row: Float32Array | undefined, text: string | undefined) => void) => {
    page.keys.forEach((key, position) => {
      if ('flat' in page) onRow(key, page.flat.subarray(position * page.dimension, (position + 1) * page.dimension), undefined);
      else onRow(key, undefined, page.texts[position]);
    });
  };
  switch (task.type) {
    case 'pooled-similarity': {
      const pool = new MeanPool();
      const bags = new Map<number, Map<string, number>>();
      return {
        take: (page) =>
          eachRow(page, (key, row, text) => {
            if (row) pool.add(key, row);
            else if (text !== undefined) {
              let bag = bags.get(key);
              if (!bag) bags.set(key, (bag = new Map()));
              termCounts(text, bag);
            }
          }),
        finish: () => {
          if (task.source === 'texts') {
            const keys = task.keys.filter((key) => bags.has(key));
            return { keys, matrix: cosineSimilarityMatrix(termVectors(keys.map((key) => bags.get(key)!))) };
          }
          const means = new Map(pool.means().map(({ key, mean }) => [key, mean]));
          const keys = task.keys.filter((key) => means.has(key));
          return { keys, matrix: cosineSimilarityMatrix(keys.map((key) => means.get(key)!)) };
        },
      };
    }
    case 'norm-statistics': {
      const overall = new NormAccumulator();
      const byKey = new Map<number, NormAccumulator>();
      let dimension = 0;
      return {
        take: (page) =>
          eachRow(page, (key, row) => {
            if (!row) return;
            dimension = row.length;
            const norm = vectorNorm(row);
            overall.add(norm);
            let accumulator = byKey.get(key);
            if (!accumulator) byKey.set(key, (accumulator = new NormAccumulator()));
            accumulator.add(norm);
          }),
        finish: () => ({
          overall: overall.size ? overall.statistics() : null,
          byKey: [...byKey].map(([key, accumulator]) => [key, accumulator.statistics()]),
          dimension,
          count: overall.size,
        }),
      };
    }
    default:
      throw new Error(`unknown task ${String((task as { type: unknown }).type)}`);
  }
}

const fail = (error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) });

if (task.type === 'pooled-similarity' || task.type === 'norm-statistics') {
  try {
    const stream = streamed(task);
    parentPort!.on('message', (message: ToComputeWorker) => {
      try {
        if (message.type === 'page') {
          stream.take(message.page);
          send({ type: 'ack' });
        } else send({ type: 'result', result: stream.finish() });
      } catch (error) {
        fail(error);
      }
    });
  } catch (error) {
    fail(error);
  }
} else {
  try {
    send({ type: 'result', result: run(task) });
  } catch (error) {
    fail(error);
  }
}
