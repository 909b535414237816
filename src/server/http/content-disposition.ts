/**
 * A `Content-Disposition` header that is safe for any file name: an ASCII fallback with quotes,
 * backslashes and control characters removed, plus the exact UTF-8 name as RFC 5987 `filename*`.
 */
export function contentDisposition(type: 'inline' | 'attachment', filename: string): string {
  // A lone surrogate (a name cut inside an emoji) would make encodeURIComponent throw: U+FFFD instead.
  const cleaned =
    filename
      .replace(/[\u0000-\u001f\u007f]/g, '')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .trim() || 'download';
  const fallback = cleaned.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(cleaned).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
