/** Query parameters whose names say they carry a credential (`token`, `access_token`, `api_key`, `X-Amz-Signature` …). */
const SECRET_PARAMETER = /token|key|secret|passw|auth|session|signature|sig$|credential|jwt|bearer/i;

/**
 * The URL as it may be logged: the value of every query parameter that looks like a credential is
 * replaced by `[redacted]`. Tokens do not belong in URLs (they end up in logs like this one), but
 * clients send them anyway; the log must not keep them. The rest of the URL is kept byte for byte.
 */
export function redactUrlSecrets(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1) return url;
  const query = url
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      return SECRET_PARAMETER.test(decodeName(rawName)) && equals !== -1 ? `${rawName}=[redacted]` : pair;
    })
    .join('&');
  return `${url.slice(0, queryStart)}?${query}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
