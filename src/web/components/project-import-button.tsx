import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type ChangeEvent } from 'react';
import type { ProjectResponse } from '../../protocol/rest.ts';
import { queryKeys } from '../api/query-keys.ts';
import { errorMessage } from '../lib/api.ts';
import { uploadFiles } from '../lib/upload.ts';
import { ProgressBar } from './feedback.tsx';
import { UploadIcon } from './icons.tsx';
import { useToast } from './toasts.tsx';

type ImportState =
  | { phase: 'idle' }
  | { phase: 'uploading'; fraction: number; filename: string }
  | { phase: 'importing'; filename: string }
  | { phase: 'failed'; message: string };

/**
 * "Import project": picks a project archive and uploads it with real byte progress; once the bytes
 * are sent the server checks and imports it (indeterminate bar), then the new project opens.
 */
export function ProjectImportButton({ onImported }: { onImported?: (project: ProjectResponse) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<ImportState>({ phase: 'idle' });
  const client = useQueryClient();
  const toast = useToast();
  const busy = state.phase === 'uploading' || state.phase === 'importing';

  const start = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setState({ phase: 'uploading', fraction: 0, filename: file.name });
    uploadFiles<ProjectResponse>({
      url: '/api/projects/import',
      files: [file],
      field: 'file',
      onProgress: ({ loaded, total }) =>
        setState(
          loaded >= total
            ? { phase: 'importing', filename: file.name }
            : { phase: 'uploading', fraction: total ? loaded / total : 0, filename: file.name },
        ),
    }).then(
      (project) => {
        setState({ phase: 'idle' });
        void client.invalidateQueries({ queryKey: queryKeys.projects });
        toast.show(`Project “${project.name}” imported`, 'success');
        onImported?.(project);
      },
      (error: unknown) => setState({ phase: 'failed', message: errorMessage(error) }),
    );
  };

  return (
    <div className="project-import">
      <button type="button" className="button" disabled={busy} onClick={() => input.current?.click()}>
        <UploadIcon /> Import project
      </button>
      <input ref={input} type="file" accept=".zip,application/zip" hidden aria-label="Project archive to import" onChange={start} />
      {state.phase === 'uploading' ? (
        <div className="project-import-status" role="status">
          <span className="small">
            Uploading {state.filename}… {Math.round(state.fraction * 100)}%
          </span>
          <ProgressBar value={state.fraction * 100} label={`Uploading ${state.filename}`} />
        </div>
      ) : state.phase === 'importing' ? (
        <div className="project-import-status" role="status">
          <span className="small">Checking and importing {state.filename}…</span>
          <ProgressBar value={null} label={`Importing ${state.filename}`} />
        </div>
      ) : state.phase === 'failed' ? (
        <p className="project-import-status project-import-error small" role="alert">
          The project could not be imported: {state.message}
        </p>
      ) : null}
    </div>
  );
}
