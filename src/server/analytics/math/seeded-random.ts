/** The seed of every random choice the analytics make, as the original's `random_state=42`. */
export const ANALYTICS_SEED = 42;

/**
 * mulberry32: a small, fast 32-bit generator in [0, 1). Seeded, so the same request gives the same
 * picture and the same statistics every time.
 */
export function seededRandom(seed: number = ANALYTICS_SEED): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
