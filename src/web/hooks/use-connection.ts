import { useEffect, useState } from 'react';
import { useConnectionManager } from '../lib/connection-context.tsx';
import type { ConnectionStatus } from '../lib/socket.ts';

export interface ConnectionState {
  status: ConnectionStatus;
  isConnected: boolean;
  /** Why the last attempt failed, when it did. */
  lastError: string | null;
  /** Whether this tab was ever connected (so "reconnecting" is told apart from a first connection). */
  wasConnected: boolean;
  reconnectNow(): void;
}

/** The tab's connection status, live. */
export function useConnection(): ConnectionState {
  const manager = useConnectionManager();
  const [status, setStatus] = useState<ConnectionStatus>(manager.status);
  const [wasConnected, setWasConnected] = useState(manager.status === 'connected');
  useEffect(
    () =>
      manager.onStatus((next) => {
        setStatus(next);
        if (next === 'connected') setWasConnected(true);
      }),
    [manager],
  );
  return {
    status,
    isConnected: status === 'connected',
    lastError: status === 'connected' ? null : manager.lastError,
    wasConnected,
    reconnectNow: () => manager.reconnectNow(),
  };
}
