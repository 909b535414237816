import { useEffect, useRef, useState } from 'react';
import type { DocumentStatusEvent } from '../../protocol/socket-events.ts';
import { useConnectionManager } from '../lib/connection-context.tsx';

/**
 * The latest `document_status` of each document of a project, by document id. `onChange` is called
 * for every event (e.g. to reload the list when a document completes).
 */
export function useDocumentStatus(
  projectId: number | null | undefined,
  onChange?: (event: DocumentStatusEvent) => void,
): ReadonlyMap<number, DocumentStatusEvent> {
  const manager = useConnectionManager();
  const [statuses, setStatuses] = useState<ReadonlyMap<number, DocumentStatusEvent>>(() => new Map());
  const callback = useRef(onChange);
  callback.current = onChange;
  useEffect(() => {
    setStatuses(new Map());
    if (!projectId) return;
    return manager.on('document_status', (event) => {
      if (event.project_id !== undefined && event.project_id !== projectId) return;
      setStatuses((previous) => new Map(previous).set(event.document_id, event));
      callback.current?.(event);
    });
  }, [manager, projectId]);
  return statuses;
}
