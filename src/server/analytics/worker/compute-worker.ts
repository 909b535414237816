import { parentPort, workerData } from 'node:worker_threads';
import { cosineSimilarityMatrix } from '../math/cosine-similarity-matrix.ts';
import { averageSimilarity } from '../math/embedding-statistics.ts';
import { principalComponents } from '../math/principal-components.ts';
import { termVectors } from '../math/term-vectors.ts';
import { tsneProjection } from '../math/tsne-projection.ts';
import { umapProjection } from '../math/umap-projection.ts';
import { normalizeRows, type VectorRow } from '../math/vector-rows.ts';
import type { ComputeInput, ComputeResults, ComputeTask, FromComputeWorker } from './compute-task.ts';

/** One task per worker: it computes, posts the result and is ended by its owner (or terminated early). */
const task = (workerData as { task: ComputeTask }).task;
const send = (message: FromComputeWorker) => parentPort!.postMessage(message);

function rowsOf(input: ComputeInput): VectorRow[] {
  return input.kind === 'vectors' ? input.rows : termVectors(input.bags);
}

function run(): ComputeResults[keyof ComputeResults] {
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

try {
  send({ type: 'result', result: run() });
} catch (error) {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
