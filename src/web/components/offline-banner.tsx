import { useState, type FormEvent } from 'react';
import { useConnection } from '../hooks/use-connection.ts';
import { signIn } from '../api/session.ts';
import { errorMessage } from '../lib/api.ts';

/**
 * Shown while the live connection is down: what still works, what waits, and a way to retry now.
 * Not shown during the very first connection, which is usually instant. When the server wants an
 * API token, it asks for one.
 */
export function OfflineBanner() {
  const { status, wasConnected, lastError, reconnectNow } = useConnection();
  const show = status === 'disconnected' || (status === 'reconnecting' && wasConnected) || (status !== 'connected' && lastError !== null);
  if (!show) return null;
  if (status === 'disconnected' && lastError === 'unauthorized') return <TokenPrompt />;
  return (
    <div className="offline-banner" role="alert">
      <span>
        {wasConnected ? 'Connection to the server lost. Reconnecting…' : 'The server cannot be reached yet. Retrying…'} Answers being
        written continue on the server and appear here once the connection is back; sending waits until then.
      </span>
      <button type="button" className="button small" onClick={reconnectNow}>
        Retry now
      </button>
    </div>
  );
}

/**
 * Asks for the server's API token and exchanges it for a session cookie; the token itself is kept
 * nowhere in the page (see api/session.ts). A reload then connects with the cookie.
 */
export function TokenPrompt({ onSignedIn = () => window.location.reload() }: { onSignedIn?: () => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!token.trim() || busy) return;
    setBusy(true);
    setError(null);
    signIn(token.trim()).then(
      () => onSignedIn(),
      (reason: unknown) => {
        setBusy(false);
        setError(errorMessage(reason));
      },
    );
  };
  return (
    <form className="offline-banner" role="alert" onSubmit={submit}>
      <label htmlFor="api-token">This server requires an API token (its API_TOKEN setting).</label>
      <input
        id="api-token"
        type="password"
        autoComplete="off"
        value={token}
        onChange={(event) => setToken(event.target.value)}
        className="token-input"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? 'api-token-error' : undefined}
      />
      <button type="submit" className="button small primary" disabled={busy}>
        {busy ? 'Checking…' : 'Use token'}
      </button>
      {error ? (
        <span id="api-token-error" className="form-error">
          {error}
        </span>
      ) : null}
    </form>
  );
}
