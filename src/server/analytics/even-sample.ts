/**
 * `size` items spread evenly over the list (the first, then every total/size-th), in order: the same
 * list gives the same sample, and every part of the project (every document) is represented, where
 * the original took the first `limit` chunks it was handed.
 */
export function evenSample<Item>(items: readonly Item[], size: number): Item[] {
  if (items.length <= size) return [...items];
  const step = items.length / size;
  return Array.from({ length: size }, (_, position) => items[Math.floor(position * step)]!);
}
