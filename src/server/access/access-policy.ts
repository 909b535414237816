import { NotFoundError } from '../errors.ts';
import type { ChatRecord, DocumentRecord, ProjectRecord, Store } from '../store/store.ts';
import type { Actor, Permission } from './actor.ts';

/**
 * The one place that decides whether an actor may touch a project, chat or document, and the one
 * place that loads it for the edges. Missing and denied throw the same NotFoundError, so ids cannot
 * be probed. Routes and socket handlers call this instead of checking existence themselves.
 */
export class AccessPolicy {
  constructor(private readonly deps: { store: Store }) {}

  async requireProject(
    actor: Actor,
    projectId: number,
    permission: Permission,
    /** Hard delete reaches projects that are already soft-deleted. */
    options: { includeDeleted?: boolean } = {},
  ): Promise<ProjectRecord> {
    const project = await this.deps.store.projects.findById(projectId, options);
    if (!project || !this.mayAccessProject(actor, project, permission)) throw new NotFoundError(`Project ${projectId} not found`);
    return project;
  }

  async requireChat(actor: Actor, chatId: number, permission: Permission): Promise<ChatRecord> {
    const chat = await this.deps.store.chats.findById(chatId);
    if (!chat || !this.mayAccessProject(actor, { id: chat.projectId }, permission)) throw new NotFoundError(`Chat ${chatId} not found`);
    return chat;
  }

  async requireDocument(actor: Actor, documentId: number, permission: Permission): Promise<DocumentRecord> {
    const document = await this.deps.store.documents.findById(documentId);
    if (!document || !this.mayAccessProject(actor, { id: document.projectId }, permission)) {
      throw new NotFoundError(`Document ${documentId} not found`);
    }
    return document;
  }

  /** Without accounts there is one user, who may do everything. Accounts put project roles here. */
  private mayAccessProject(actor: Actor, _project: { id: number }, _permission: Permission): boolean {
    return actor.kind === 'local' || actor.role === 'admin';
  }
}
