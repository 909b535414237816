import { EigenvalueDecomposition, Matrix, QrDecomposition } from 'ml-matrix';
import { seededRandom } from './seeded-random.ts';
import type { VectorRow } from './vector-rows.ts';

export interface PrincipalComponents {
  /** Each row projected on the components, one array of `components` numbers per row. */
  coordinates: number[][];
  /** Share of the total variance along each component, largest first (sklearn's `explained_variance_ratio_`). */
  explainedVarianceRatio: number[];
  /** Unit axes in the input space, one per component; each is signed so its largest entry is positive. */
  axes: number[][];
}

/** Subspace iterations; top components of real embeddings settle well within this. */
const ITERATIONS = 30;
/** Extra directions iterated along, which makes the top ones converge much faster. */
const OVERSAMPLING = 8;

/**
 * The top principal components by seeded block power (subspace) iteration on the centred data, with
 * ml-matrix for the products, QR and the small eigenproblem. ml-pca computes every component (SVD of
 * 2,000 × 1,024) or runs NIPALS, which took 222 s for 3 components of 2,000 × 768 here; only 2 or 3
 * components are wanted, so this costs a few products of n × d by d × 11 instead.
 */
export function principalComponents(rows: readonly VectorRow[], components: number, seed?: number): PrincipalComponents {
  const count = rows.length;
  const width = rows[0]?.length ?? 0;
  const data = new Matrix(count, width);
  for (let row = 0; row < count; row += 1) for (let column = 0; column < width; column += 1) data.set(row, column, rows[row]![column]!);
  data.center('column');
  const degrees = Math.max(1, count - 1);
  const totalVariance = data.norm('frobenius') ** 2 / degrees;

  const rank = Math.min(components + OVERSAMPLING, width, count);
  const random = seededRandom(seed);
  let basis = new Matrix(width, rank);
  for (let row = 0; row < width; row += 1) for (let column = 0; column < rank; column += 1) basis.set(row, column, random() - 0.5);
  basis = new QrDecomposition(basis).orthogonalMatrix;
  const transposed = data.transpose();
  for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
    basis = new QrDecomposition(transposed.mmul(data.mmul(basis))).orthogonalMatrix;
  }
  // Rayleigh–Ritz: the eigenvectors of the small projected covariance rotate the basis onto the axes.
  const projected = data.mmul(basis);
  const small = projected.transpose().mmul(projected).div(degrees);
  const decomposition = new EigenvalueDecomposition(small, { assumeSymmetric: true });
  const order = decomposition.realEigenvalues.map((value, index) => ({ value, index })).sort((left, right) => right.value - left.value);
  const kept = order.slice(0, Math.min(components, rank));
  const axes = kept.map(({ index }) => {
    const axis = basis.mmul(decomposition.eigenvectorMatrix.getColumnVector(index)).getColumn(0);
    let largest = 0;
    for (const value of axis) if (Math.abs(value) > Math.abs(largest)) largest = value;
    return largest < 0 ? axis.map((value) => -value) : axis;
  });
  const coordinates = data.mmul(new Matrix(axes).transpose()).to2DArray();
  const explainedVarianceRatio = kept.map(({ value }) => (totalVariance > 0 ? Math.max(0, value) / totalVariance : 0));
  // Fewer rows or columns than components: the missing axes carry no variance.
  while (explainedVarianceRatio.length < components) {
    explainedVarianceRatio.push(0);
    for (const point of coordinates) point.push(0);
  }
  return { coordinates, explainedVarianceRatio, axes };
}
