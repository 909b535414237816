/** Every cached resource's key, in one place, so live events invalidate exactly what changed. */
export const queryKeys = {
  projects: ['projects'] as const,
  project: (projectId: number) => ['project', projectId] as const,
  chats: (projectId: number) => ['chats', projectId] as const,
  chatSearch: (projectId: number, query: string) => ['chats', projectId, 'search', query] as const,
  chat: (chatId: number) => ['chat', chatId] as const,
  documents: (projectId: number) => ['documents', projectId] as const,
  /** Under the project's documents: a reprocessed document invalidates its passages with the list. */
  documentPassages: (projectId: number, documentId: number, offset: number, limit: number) =>
    ['documents', projectId, 'passages', documentId, offset, limit] as const,
  settings: ['settings'] as const,
  installedModels: ['settings', 'installed-models'] as const,
  health: ['health'] as const,
  llmStatus: ['llm-status'] as const,
  popularModels: ['settings', 'popular-models'] as const,
  modelSearch: (query: string) => ['settings', 'model-search', query] as const,
  modelPulls: ['model-pulls'] as const,
  session: ['session'] as const,
};
