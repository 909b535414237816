import { createContext, useContext, type ReactNode } from 'react';
import { ConnectionManager } from './socket.ts';

const ConnectionContext = createContext<ConnectionManager | null>(null);

let tabConnection: ConnectionManager | undefined;

/** The tab's one connection, created on first use; the session cookie authenticates its handshake. */
export function getTabConnection(): ConnectionManager {
  tabConnection ??= new ConnectionManager();
  return tabConnection;
}

/** Provides the connection to the hooks; tests pass their own manager. */
export function ConnectionProvider({ manager, children }: { manager: ConnectionManager; children: ReactNode }) {
  return <ConnectionContext.Provider value={manager}>{children}</ConnectionContext.Provider>;
}

export function useConnectionManager(): ConnectionManager {
  const manager = useContext(ConnectionContext);
  if (!manager) throw new Error('useConnectionManager must be used inside <ConnectionProvider>');
  return manager;
}
