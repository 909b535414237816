import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { invalidateModelLists, mergePull, useModelPullList, type TrackedPull } from '../api/models.ts';
import { useConnectionManager } from '../lib/connection-context.tsx';

/**
 * Keeps the tab's list of model downloads live: loaded from the server (so a reload or another tab
 * finds a running download), then updated by `model_pull_progress`, which reaches every connection.
 * A finished download refreshes every model list, so the new model is offered in the pickers at once.
 * Mount once (the app shell); read the list anywhere with `useModelPulls`.
 */
export function useModelPullEvents(): void {
  const manager = useConnectionManager();
  const client = useQueryClient();
  useModelPullList();
  useEffect(() => {
    const offProgress = manager.on('model_pull_progress', (progress) => {
      mergePull(client, progress);
      if (progress.done && progress.status === 'success') invalidateModelLists(client);
    });
    // Events sent while the connection was down are lost: ask again after every reconnection.
    const offConnect = manager.onStatus((status) => {
      if (status === 'connected') void client.invalidateQueries({ queryKey: ['model-pulls'] });
    });
    return () => {
      offProgress();
      offConnect();
    };
  }, [manager, client]);
}

export function useModelPulls(): TrackedPull[] {
  return useModelPullList().data ?? [];
}
