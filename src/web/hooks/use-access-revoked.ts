import { useEffect, useRef } from 'react';
import { useConnectionManager } from '../lib/connection-context.tsx';

/**
 * Accounts: the server says this user was removed from the project (`project_left` with
 * `reason: 'access_revoked'`). The page reloads what it shows, which then answers "not found".
 */
export function useAccessRevoked(projectId: number, onRevoked: () => void): void {
  const manager = useConnectionManager();
  const callback = useRef(onRevoked);
  callback.current = onRevoked;
  useEffect(
    () =>
      manager.on('project_left', (event) => {
        if ('reason' in event && event.reason === 'access_revoked' && Number(event.project_id) === projectId) callback.current();
      }),
    [manager, projectId],
  );
}
