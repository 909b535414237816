import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { queryKeys } from '../api/query-keys.ts';
import { useConnectionManager } from '../lib/connection-context.tsx';

/**
 * Keeps every cached project list and project live: `projects_changed` reaches all connections when a
 * project is created, renamed or deleted anywhere (another tab, another user of the instance).
 */
export function useProjectsChanged(): void {
  const manager = useConnectionManager();
  const client = useQueryClient();
  useEffect(
    () =>
      manager.on('projects_changed', (event) => {
        void client.invalidateQueries({ queryKey: queryKeys.projects });
        void client.invalidateQueries({ queryKey: queryKeys.project(event.project_id) });
      }),
    [manager, client],
  );
}
