/** Project settings merged key by key, as the original did: `null` removes a key. */
export function mergeSettings(current: Record<string, unknown>, changes: Record<string, unknown> | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(changes ?? {})) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}
