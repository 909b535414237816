/**
 * Ollama model names: `name[:tag]`, where a missing tag means `latest`. Tags are kept as given (the
 * original stripped them, so `llama3.2:1b` silently became `llama3.2`); comparison fills in `latest`
 * and ignores case, as Ollama does.
 */
export function canonicalModelName(name: string): string {
  const trimmed = name.trim().toLowerCase();
  const lastSegment = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  return lastSegment.includes(':') ? trimmed : `${trimmed}:latest`;
}

/** `llama3.2` and `llama3.2:latest` are the same model; `llama3.2:1b` is another one. */
export function isSameModel(left: string, right: string): boolean {
  return canonicalModelName(left) === canonicalModelName(right);
}

/** The name without its tag: `llama3.2:1b` → `llama3.2`. */
export function modelBaseName(name: string): string {
  const trimmed = name.trim();
  const slash = trimmed.lastIndexOf('/');
  const colon = trimmed.lastIndexOf(':');
  return colon > slash ? trimmed.slice(0, colon) : trimmed;
}
