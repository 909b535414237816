import { useState, type FormEvent } from 'react';
import type { ProjectResponse } from '../../protocol/rest.ts';
import { useCreateProject, useUpdateProject } from '../api/projects.ts';
import { errorMessage } from '../lib/api.ts';
import { Modal } from './modal.tsx';

/** The server's limits (`ProjectCreateBody`), checked here so the message is a sentence. */
const MAX_NAME_CHARS = 255;
const MAX_DESCRIPTION_CHARS = 5_000;

/** Creates a project, or edits one's name and description; the server's `{detail}` is shown as is. */
export function ProjectFormDialog({
  project,
  onClose,
  onSaved,
}: {
  project?: ProjectResponse;
  onClose: () => void;
  onSaved?: (project: ProjectResponse) => void;
}) {
  const [name, setName] = useState(project?.name ?? '');
  const [description, setDescription] = useState(project?.description ?? '');
  const [clientError, setClientError] = useState<string | null>(null);
  const create = useCreateProject();
  const update = useUpdateProject();
  const mutation = project ? update : create;
  const formId = project ? `project-form-${project.id}` : 'project-form-new';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) {
      setClientError('Give the project a name.');
      return;
    }
    if (name.trim().length > MAX_NAME_CHARS) {
      setClientError(`The name can be at most ${MAX_NAME_CHARS} characters.`);
      return;
    }
    setClientError(null);
    try {
      const body = { name: name.trim(), description: description.trim() || null };
      const saved = project ? await update.mutateAsync({ projectId: project.id, body }) : await create.mutateAsync(body);
      onSaved?.(saved);
      onClose();
    } catch {
      // Shown below from the mutation's error.
    }
  };

  const error = clientError ?? (mutation.error ? errorMessage(mutation.error) : null);
  return (
    <Modal
      title={project ? 'Edit project' : 'New project'}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button primary" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : project ? 'Save' : 'Create project'}
          </button>
        </>
      }
    >
      <form id={formId} className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={`${formId}-name`}>Name</label>
          <input
            id={`${formId}-name`}
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={MAX_NAME_CHARS}
            data-autofocus
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${formId}-error` : undefined}
            placeholder="e.g. Contracts 2026"
          />
        </div>
        <div className="field">
          <label htmlFor={`${formId}-description`}>
            Description <span className="muted">(optional)</span>
          </label>
          <textarea
            id={`${formId}-description`}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            rows={3}
            maxLength={MAX_DESCRIPTION_CHARS}
            placeholder="What the documents in this project are about"
          />
        </div>
        {error ? (
          <p id={`${formId}-error`} className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </Modal>
  );
}
