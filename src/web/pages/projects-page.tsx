import { useState } from 'react';
import type { ProjectResponse } from '../../protocol/rest.ts';
import { useDeleteProject, useProjects } from '../api/projects.ts';
import { EmptyState, ErrorNotice, Loading } from '../components/feedback.tsx';
import { ChatIcon, FileIcon, PencilIcon, PlusIcon, TrashIcon } from '../components/icons.tsx';
import { ConfirmDialog } from '../components/modal.tsx';
import { ProjectFormDialog } from '../components/project-form-dialog.tsx';
import { ProjectImportButton } from '../components/project-import-button.tsx';
import { projectPermissions } from '../lib/permissions.ts';
import { useToast } from '../components/toasts.tsx';
import { errorMessage } from '../lib/api.ts';
import { formatRelativeTime, plural } from '../lib/format.ts';
import { Link, navigate, paths } from '../lib/router.tsx';

export function ProjectsPage() {
  const projects = useProjects();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ProjectResponse | null>(null);
  const [deleting, setDeleting] = useState<ProjectResponse | null>(null);

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>Projects</h1>
          <p className="muted">Each project keeps its own documents and conversations. Nothing leaves this machine.</p>
        </div>
        <div className="header-actions projects-header-actions">
          <ProjectImportButton onImported={(project) => navigate(paths.project(project.id))} />
          <button type="button" className="button primary" onClick={() => setCreating(true)}>
            <PlusIcon /> New project
          </button>
        </div>
      </div>

      {projects.isPending ? (
        <Loading label="Loading projects…" />
      ) : projects.isError ? (
        <ErrorNotice title="Projects could not be loaded" error={projects.error} onRetry={() => void projects.refetch()} />
      ) : projects.data.length === 0 ? (
        <EmptyState
          title="No projects yet"
          action={
            <button type="button" className="button primary" onClick={() => setCreating(true)}>
              <PlusIcon /> Create your first project
            </button>
          }
        >
          Create a project, drop in PDFs, Word files, spreadsheets or notes, and ask questions about them. Answers cite the exact page or
          rows they come from.
        </EmptyState>
      ) : (
        <ul className="project-grid" aria-label="Projects">
          {projects.data.map((project) => (
            <li key={project.id} className="card project-card">
              <Link to={paths.project(project.id)} className="project-link">
                <h2>{project.name}</h2>
                {project.description ? <p className="project-description">{project.description}</p> : null}
              </Link>
              <p className="project-stats">
                <span>
                  <FileIcon /> {plural(project.document_count, 'document')}
                </span>
                <span>
                  <ChatIcon /> {plural(project.chat_count, 'chat')}
                </span>
              </p>
              <div className="card-footer">
                <span className="muted small">Updated {formatRelativeTime(project.updated_at)}</span>
                {/* Accounts: renaming and deleting are the owner's (my_role). */}
                {projectPermissions(project).canOwn ? (
                  <span className="card-actions">
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Edit ${project.name}`}
                      onClick={() => setEditing(project)}
                    >
                      <PencilIcon />
                    </button>
                    <button
                      type="button"
                      className="icon-button small"
                      aria-label={`Delete ${project.name}`}
                      onClick={() => setDeleting(project)}
                    >
                      <TrashIcon />
                    </button>
                  </span>
                ) : null}
              </div>
            </li>
          ))}
        </ul>
      )}

      {creating ? (
        <ProjectFormDialog onClose={() => setCreating(false)} onSaved={(project) => navigate(paths.project(project.id))} />
      ) : null}
      {editing ? <ProjectFormDialog project={editing} onClose={() => setEditing(null)} /> : null}
      {deleting ? <DeleteProjectDialog project={deleting} onClose={() => setDeleting(null)} /> : null}
    </div>
  );
}

export function DeleteProjectDialog({
  project,
  onClose,
  onDeleted,
}: {
  project: ProjectResponse;
  onClose: () => void;
  onDeleted?: () => void;
}) {
  const remove = useDeleteProject();
  const toast = useToast();
  return (
    <ConfirmDialog
      title={`Delete “${project.name}”?`}
      confirmLabel="Delete project"
      busy={remove.isPending}
      error={remove.error ? errorMessage(remove.error) : null}
      onCancel={onClose}
      onConfirm={() =>
        remove.mutate(project.id, {
          onSuccess: () => {
            toast.show(`Project “${project.name}” deleted`, 'success');
            onClose();
            onDeleted?.();
          },
        })
      }
    >
      <p>
        This removes the project with its {plural(project.document_count, 'document')} and {plural(project.chat_count, 'chat')}, for good.
      </p>
    </ConfirmDialog>
  );
}
