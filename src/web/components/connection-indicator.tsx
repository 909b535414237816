import { useConnection } from '../hooks/use-connection.ts';
import type { ConnectionStatus } from '../lib/socket.ts';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Offline',
};

/** The always-visible connection pill in the header. */
export function ConnectionIndicator() {
  const { status, lastError } = useConnection();
  const description =
    status === 'connected'
      ? 'Live updates and streaming answers are working.'
      : `Live connection: ${LABELS[status]}${lastError ? ` (${lastError})` : ''}`;
  return (
    <span className={`connection-pill status-${status}`} role="status" aria-live="polite" data-status={status} title={description}>
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-label">{LABELS[status]}</span>
    </span>
  );
}
