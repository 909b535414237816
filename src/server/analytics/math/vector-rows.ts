/** Vectors as rows of numbers; Float32Array from the store, Float64Array once computed on. */
export type VectorRow = ArrayLike<number>;

export function vectorNorm(row: VectorRow): number {
  let sum = 0;
  for (let index = 0; index < row.length; index += 1) sum += row[index]! * row[index]!;
  return Math.sqrt(sum);
}

/** Unit-length copies (a zero row stays zero), as the original normalised before reducing. */
export function normalizeRows(rows: readonly VectorRow[]): Float64Array[] {
  return rows.map((row) => {
    const norm = vectorNorm(row);
    const unit = new Float64Array(row.length);
    if (norm > 0) for (let index = 0; index < row.length; index += 1) unit[index] = row[index]! / norm;
    return unit;
  });
}

export function dot(left: VectorRow, right: VectorRow): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += left[index]! * right[index]!;
  return sum;
}
