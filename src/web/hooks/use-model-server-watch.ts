import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useLlmStatus } from '../api/models.ts';

/**
 * Refreshes every model list when Ollama comes up or goes away (seen by the polled status), so the
 * pickers and the "what will answer" notes follow without a reload. Mount once (the app shell).
 */
export function useModelServerWatch(): void {
  const client = useQueryClient();
  const status = useLlmStatus();
  const seen = useRef<string | null>(null);
  const inUse = status.data?.models_in_use;
  const key = status.data && inUse ? `${status.data.connected}/${inUse.llm}/${inUse.embedding}` : null;
  useEffect(() => {
    if (key === null) return;
    if (seen.current !== null && seen.current !== key) {
      void client.invalidateQueries({ queryKey: ['settings', 'installed-models'] });
      void client.invalidateQueries({ queryKey: ['settings', 'popular-models'] });
    }
    seen.current = key;
  }, [key, client]);
}
