import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ChatResponse } from '../../protocol/rest.ts';
import { useLlmStatus } from '../api/models.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useInstalledModels } from '../api/settings.ts';
import { apiRequest, errorMessage } from '../lib/api.ts';

/** The chat model of one chat, in the chat's header; saved with the chat (`PUT /api/chats/{id} {model}`). */
export function ChatModelPicker({
  chatId,
  projectId,
  model,
  defaultModel,
}: {
  chatId: number;
  projectId: number;
  model: string | null;
  defaultModel: string | null;
}) {
  const client = useQueryClient();
  const installed = useInstalledModels();
  const status = useLlmStatus();
  const save = useMutation({
    mutationFn: (next: string | null) => apiRequest<ChatResponse>('PUT', `/api/chats/${chatId}`, { model: next }),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: queryKeys.chat(chatId) }),
        client.invalidateQueries({ queryKey: queryKeys.chats(projectId) }),
      ]),
  });
  const extractive = status.data?.models_in_use?.llm === 'extractive';
  const models = installed.data?.llm_models ?? [];
  if (extractive || (models.length === 0 && !model)) return null;
  const listed = models.some((entry) => entry.name === model);
  return (
    <div className="chat-model-picker">
      <label htmlFor={`chat-model-${chatId}`} className="visually-hidden">
        Model for this chat
      </label>
      <select
        id={`chat-model-${chatId}`}
        value={model ?? ''}
        disabled={save.isPending}
        onChange={(event) => save.mutate(event.target.value || null)}
        title="Model for this chat"
      >
        <option value="">Default{defaultModel ? ` (${defaultModel})` : ''}</option>
        {model && !listed ? <option value={model}>{model} (not installed)</option> : null}
        {models.map((entry) => (
          <option key={entry.name} value={entry.name}>
            {entry.name}
          </option>
        ))}
      </select>
      {save.error ? (
        <span className="form-error small" role="alert">
          {errorMessage(save.error)}
        </span>
      ) : null}
    </div>
  );
}
