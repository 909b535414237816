/**
 * Where a link in a model's answer goes, and whether the answer could have taken it from its
 * sources. A model can be steered (by a planted document, or by itself) into writing a link to any
 * host; only an address that appears in a cited passage opens directly, every other one is shown
 * and confirmed first.
 */
export interface LinkTarget {
  /** The whole address as the browser will open it (host names in punycode, so look-alikes show). */
  address: string;
  /** `evil.example:8080`, or null for addresses without a host (`mailto:`). */
  host: string | null;
}

export function describeLinkTarget(href: string, base = window.location.href): LinkTarget {
  try {
    const url = new URL(href, base);
    return { address: url.href, host: url.host || null };
  } catch {
    return { address: href, host: null };
  }
}

/** True when the exact address (as written, or as the browser resolves it) is in one of the passages. */
export function isLinkFromSources(href: string, passages: readonly string[], base = window.location.href): boolean {
  const written = href.trim();
  if (!written) return false;
  const resolved = describeLinkTarget(written, base).address;
  return passages.some((passage) => passage.includes(written) || passage.includes(resolved));
}
