import type { ChatResponse, MessageResponse, ProjectResponse } from '../../protocol/rest.ts';
import type { ProjectRole } from '../store/account-store.ts';
import type { ChatRecord, MessageRecord, ProjectRecord } from '../store/store.ts';

/** Whitelists what a project shows on the wire, in the original's field names. */
export function presentProject(project: ProjectRecord, myRole?: ProjectRole): ProjectResponse {
  return {
    ...(myRole ? { my_role: myRole } : {}),
    id: project.id,
    name: project.name,
    description: project.description,
    chroma_collection_name: `project_${project.id}`,
    document_count: project.documentCount,
    chat_count: project.chatCount,
    total_chunks: project.totalChunks,
    settings: Object.keys(project.settings).length > 0 ? JSON.stringify(project.settings) : null,
    created_at: project.createdAt,
    updated_at: project.updatedAt,
  };
}

export function presentChat(chat: ChatRecord): ChatResponse {
  return {
    id: chat.id,
    project_id: chat.projectId,
    title: chat.title,
    model: chat.model,
    message_count: chat.messageCount,
    created_at: chat.createdAt,
    updated_at: chat.updatedAt,
  };
}

export function presentMessage(message: MessageRecord): MessageResponse {
  return {
    id: message.id,
    chat_id: message.chatId,
    role: message.role,
    content: message.content,
    sources: message.sources,
    model_name: message.modelName,
    status: message.status,
    error: message.error,
    parent_id: message.parentId,
    active: message.active,
    feedback: message.feedback,
    created_at: message.createdAt,
    updated_at: message.updatedAt,
  };
}
