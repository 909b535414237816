import { useEffect, useRef } from 'react';
import { useConnectionManager } from '../lib/connection-context.tsx';

/**
 * Keeps this tab in the project's room while the component is mounted (rejoined after reconnects).
 * `onJoined` runs after every (re)join: events sent while the tab was not in the room (during page
 * load, or while offline) are lost, so that is the moment to reload what the page shows.
 */
export function useProjectRoom(projectId: number | null | undefined, onJoined?: () => void): void {
  const manager = useConnectionManager();
  const callback = useRef(onJoined);
  callback.current = onJoined;
  useEffect(() => {
    if (!projectId) return;
    const stopListening = manager.on('project_joined', (event) => {
      if (Number(event.project_id) === projectId) callback.current?.();
    });
    const release = manager.joinProject(projectId);
    return () => {
      stopListening();
      release();
    };
  }, [manager, projectId]);
}
