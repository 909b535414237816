const STORAGE_KEY = 'daa-api-token';

/** The API token (when the server requires one), kept in this browser only. */
export function readApiToken(): string | undefined {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function saveApiToken(token: string | null): void {
  try {
    if (token) localStorage.setItem(STORAGE_KEY, token);
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage blocked: the token lives until the tab closes.
  }
}
