import { useEffect } from 'react';
import { useConnectionManager } from '../lib/connection-context.tsx';

/** Keeps this tab in the project's room while the component is mounted (rejoined after reconnects). */
export function useProjectRoom(projectId: number | null | undefined): void {
  const manager = useConnectionManager();
  useEffect(() => {
    if (!projectId) return;
    return manager.joinProject(projectId);
  }, [manager, projectId]);
}
