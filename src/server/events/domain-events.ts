import { EventEmitter } from 'node:events';
import type {
  DocumentStatusEvent,
  ModelPullProgressEvent,
  ProjectsChangedEvent,
  ProjectUpdateType,
} from '../../protocol/socket-events.ts';

/**
 * What the domain announces. The realtime layer subscribes and picks rooms; the domain never imports
 * Socket.IO, so ingestion workers (or another node, through a bus) can publish the same events.
 */
export interface DomainEventMap {
  'project-update': [{ projectId: number; type: ProjectUpdateType; data: Record<string, unknown> }];
  'document-status': [DocumentStatusEvent];
  /** A model download moved on; every client hears it, models are not per project. */
  'model-pull-progress': [ModelPullProgressEvent];
  /** The list of projects changed; every client hears it. */
  'projects-changed': [ProjectsChangedEvent];
}

export class DomainEvents extends EventEmitter<DomainEventMap> {
  projectUpdate(projectId: number, type: ProjectUpdateType, data: Record<string, unknown>): void {
    this.emit('project-update', { projectId, type, data: { project_id: projectId, ...data } });
  }

  documentStatus(event: DocumentStatusEvent): void {
    this.emit('document-status', event);
  }

  projectsChanged(type: ProjectsChangedEvent['type'], projectId: number): void {
    this.emit('projects-changed', { type, project_id: projectId });
  }

  modelPullProgress(event: ModelPullProgressEvent): void {
    this.emit('model-pull-progress', event);
  }
}
