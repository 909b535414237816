import { useEffect, useRef } from 'react';
import type { ProjectUpdateEvent } from '../../protocol/socket-events.ts';
import { useConnectionManager } from '../lib/connection-context.tsx';

/**
 * Calls `onUpdate` for every `project_update` of one project (chats and documents created, renamed,
 * deleted, messages added). Events of other projects are ignored. The component must also be in the
 * project's room (`useProjectRoom`).
 */
export function useProjectUpdates(projectId: number | null | undefined, onUpdate: (event: ProjectUpdateEvent) => void): void {
  const manager = useConnectionManager();
  const callback = useRef(onUpdate);
  callback.current = onUpdate;
  useEffect(() => {
    if (!projectId) return;
    return manager.on('project_update', (event) => {
      const eventProject = Number(event.data.project_id);
      if (Number.isFinite(eventProject) && eventProject !== projectId) return;
      callback.current(event);
    });
  }, [manager, projectId]);
}
