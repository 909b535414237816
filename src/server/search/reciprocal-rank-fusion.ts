/** The usual RRF constant (Cormack et al., 2009): damps the head of each list. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion of ranked id lists: score(d) = Σ 1 / (k + rank). Returned scores are
 * scaled to 0–1, where 1 means "first in every list", and sorted best first (ties: first list wins).
 */
export function reciprocalRankFusion(lists: number[][], k = RRF_K): Array<{ id: number; score: number }> {
  const scores = new Map<number, number>();
  const firstSeen = new Map<number, number>();
  let order = 0;
  for (const list of lists) {
    list.forEach((id, position) => {
      scores.set(id, (scores.get(id) ?? 0) + 1 / (k + position + 1));
      if (!firstSeen.has(id)) firstSeen.set(id, order++);
    });
  }
  const best = lists.filter((list) => list.length > 0).length / (k + 1) || 1;
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score: Math.min(1, score / best) }))
    .sort((a, b) => b.score - a.score || firstSeen.get(a.id)! - firstSeen.get(b.id)!);
}
