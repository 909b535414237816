import { useConnection } from '../hooks/use-connection.ts';

/**
 * Shown while the live connection is down: what still works, what waits, and a way to retry now.
 * Not shown during the very first connection, which is usually instant.
 */
export function OfflineBanner() {
  const { status, wasConnected, lastError, reconnectNow } = useConnection();
  const show = status === 'disconnected' || (status === 'reconnecting' && wasConnected) || (status !== 'connected' && lastError !== null);
  if (!show) return null;
  const refused = status === 'disconnected' && lastError === 'unauthorized';
  return (
    <div className="offline-banner" role="alert">
      <span>
        {refused
          ? 'The server refused the live connection: an API token is required.'
          : status === 'disconnected'
            ? 'You are offline from the server.'
            : 'Connection to the server lost. Reconnecting…'}{' '}
        Answers being written continue on the server and appear here once the connection is back; sending waits until then.
      </span>
      {!refused ? (
        <button type="button" className="button small" onClick={reconnectNow}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}
