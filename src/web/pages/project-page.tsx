import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useDocuments } from '../api/documents.ts';
import { useProject } from '../api/projects.ts';
import { queryKeys } from '../api/query-keys.ts';
import { ChatsPanel } from '../components/chats-panel.tsx';
import { DocumentList } from '../components/document-list.tsx';
import { DocumentUpload } from '../components/document-upload.tsx';
import { ErrorNotice, Loading } from '../components/feedback.tsx';
import { ArrowLeftIcon, PencilIcon, SettingsIcon, TrashIcon, UsersIcon } from '../components/icons.tsx';
import { ProjectFormDialog } from '../components/project-form-dialog.tsx';
import { ProjectSettingsDialog } from '../components/project-settings-dialog.tsx';
import { useDocumentStatus } from '../hooks/use-document-status.ts';
import { useProjectRoom } from '../hooks/use-project-room.ts';
import { useProjectUpdates } from '../hooks/use-project-updates.ts';
import { ApiError } from '../lib/api.ts';
import { plural } from '../lib/format.ts';
import { overridesSummary, projectOverrides } from '../lib/project-overrides.ts';
import { Link, navigate, paths } from '../lib/router.tsx';
import { DeleteProjectDialog } from './projects-page.tsx';
import { ProjectExportLink } from '../components/project-export-link.tsx';
import { MembersDialog } from '../components/members-dialog.tsx';
import { projectPermissions, useAccountsOn } from '../lib/permissions.ts';
import { useAccessRevoked } from '../hooks/use-access-revoked.ts';

function isProjectQuery(key: readonly unknown[], projectId: number): boolean {
  return (key[0] === 'project' || key[0] === 'chats' || key[0] === 'documents') && key[1] === projectId;
}

/** A project: its documents (upload, live processing) and its chats, all kept live from the room. */
export function ProjectPage({ projectId }: { projectId: number }) {
  const client = useQueryClient();
  const project = useProject(projectId);
  const documents = useDocuments(projectId);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [configuring, setConfiguring] = useState(false);
  const [managingMembers, setManagingMembers] = useState(false);
  const accountsOn = useAccountsOn();

  // Anything that changed while this tab was not in the room (loading, offline) is reloaded on (re)join.
  useProjectRoom(projectId, () => void client.invalidateQueries({ predicate: (query) => isProjectQuery(query.queryKey, projectId) }));
  const statuses = useDocumentStatus(projectId, (event) => {
    if (event.status === 'completed' || event.status === 'failed') {
      void client.invalidateQueries({ queryKey: queryKeys.documents(projectId) });
      void client.invalidateQueries({ queryKey: queryKeys.project(projectId) });
    }
  });
  // Removed from the project while looking at it: reload, which shows "does not exist (any more)".
  useAccessRevoked(projectId, () => void client.invalidateQueries({ predicate: (query) => isProjectQuery(query.queryKey, projectId) }));
  useProjectUpdates(projectId, (event) => {
    if (event.type.startsWith('document_')) {
      void client.invalidateQueries({ queryKey: queryKeys.documents(projectId) });
    } else {
      // chat_*, message_added: the list and any search results (same key prefix).
      void client.invalidateQueries({ queryKey: queryKeys.chats(projectId) });
    }
    void client.invalidateQueries({ queryKey: queryKeys.project(projectId) });
    void client.invalidateQueries({ queryKey: queryKeys.projects });
  });

  if (project.isPending) return <Loading label="Loading the project…" />;
  if (project.isError) {
    const missing = project.error instanceof ApiError && project.error.isNotFound;
    return (
      <div className="page">
        <ErrorNotice
          title={missing ? 'This project does not exist (any more)' : 'The project could not be loaded'}
          error={project.error}
          onRetry={missing ? undefined : () => void project.refetch()}
        />
        <p>
          <Link to={paths.projects()}>Back to projects</Link>
        </p>
      </div>
    );
  }

  const data = project.data;
  const overrides = overridesSummary(projectOverrides(data));
  // Accounts: only what the user's role here allows (my_role from the API; the server checks anyway).
  const { canEdit, canOwn } = projectPermissions(data);
  return (
    <div className="page">
      <Link to={paths.projects()} className="back-link">
        <ArrowLeftIcon /> Projects
      </Link>
      <div className="page-header">
        <div>
          <h1>{data.name}</h1>
          {data.description ? <p className="muted">{data.description}</p> : null}
          <p className="muted small">
            {plural(data.document_count, 'document')} · {plural(data.chat_count, 'chat')}
            {data.total_chunks ? ` · ${plural(data.total_chunks, 'passage')} indexed` : ''}
          </p>
          {overrides ? <p className="muted small project-overrides">Overrides: {overrides}</p> : null}
        </div>
        <div className="header-actions">
          {canOwn ? (
            <button type="button" className="button" onClick={() => setEditing(true)}>
              <PencilIcon /> Edit
            </button>
          ) : null}
          {canEdit ? (
            <button type="button" className="button" onClick={() => setConfiguring(true)}>
              <SettingsIcon /> Project settings
            </button>
          ) : null}
          {accountsOn && canOwn ? (
            <button type="button" className="button" onClick={() => setManagingMembers(true)}>
              <UsersIcon /> Members
            </button>
          ) : null}
          <Link to={paths.analytics(data.id)} className="button">
            Analytics
          </Link>
          <ProjectExportLink projectId={data.id} />
          {canOwn ? (
            <button type="button" className="button" onClick={() => setDeleting(true)}>
              <TrashIcon /> Delete
            </button>
          ) : null}
        </div>
      </div>

      <div className="project-columns">
        <section className="card panel" aria-labelledby="documents-heading">
          <h2 id="documents-heading">Documents</h2>
          {canEdit ? (
            <DocumentUpload projectId={projectId} />
          ) : accountsOn ? (
            <p className="muted small">You are a viewer here: you can read, search and chat; an editor or owner adds documents.</p>
          ) : null}
          {documents.isError && !(documents.error instanceof ApiError && documents.error.isNotFound) ? (
            <ErrorNotice title="Documents could not be loaded" error={documents.error} onRetry={() => void documents.refetch()} />
          ) : (
            <DocumentList
              projectId={projectId}
              documents={documents.data}
              isPending={documents.isPending}
              statuses={statuses}
              readOnly={!canEdit}
            />
          )}
        </section>
        <section className="card panel project-chats" aria-labelledby="chats-heading">
          <h2 id="chats-heading">Chats</h2>
          <ChatsPanel projectId={projectId} projectModel={(projectOverrides(data).llm_model as string | undefined) ?? null} />
        </section>
      </div>

      {editing ? <ProjectFormDialog project={data} onClose={() => setEditing(false)} /> : null}
      {configuring ? <ProjectSettingsDialog project={data} onClose={() => setConfiguring(false)} /> : null}
      {managingMembers ? <MembersDialog projectId={data.id} projectName={data.name} onClose={() => setManagingMembers(false)} /> : null}
      {deleting ? (
        <DeleteProjectDialog project={data} onClose={() => setDeleting(false)} onDeleted={() => navigate(paths.projects())} />
      ) : null}
    </div>
  );
}
