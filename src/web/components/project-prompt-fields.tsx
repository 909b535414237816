import { DEFAULT_REFUSAL_MESSAGE } from '../../protocol/settings.ts';

/** The project's prompt settings as the dialog edits them (`system_prompt`, `answer_mode`, `refusal_message`). */
export interface PromptDraft {
  systemPrompt: string;
  answerMode: 'chat' | 'documents_only';
  refusalMessage: string;
}

export const SYSTEM_PROMPT_MAX = 8000;
export const REFUSAL_MAX = 1000;

export function promptDraftOf(settings: Record<string, unknown>): PromptDraft {
  return {
    systemPrompt: typeof settings.system_prompt === 'string' ? settings.system_prompt : '',
    answerMode: settings.answer_mode === 'documents_only' ? 'documents_only' : 'chat',
    refusalMessage: typeof settings.refusal_message === 'string' ? settings.refusal_message : '',
  };
}

/** The `settings` keys that changed; an emptied text or `chat` mode is sent as null (back to the default). */
export function promptChanges(before: PromptDraft, after: PromptDraft): Record<string, string | null> {
  const changes: Record<string, string | null> = {};
  if (after.systemPrompt.trim() !== before.systemPrompt.trim()) changes.system_prompt = after.systemPrompt.trim() || null;
  if (after.answerMode !== before.answerMode) changes.answer_mode = after.answerMode === 'chat' ? null : after.answerMode;
  if (after.refusalMessage.trim() !== before.refusalMessage.trim()) changes.refusal_message = after.refusalMessage.trim() || null;
  return changes;
}

export function promptErrors(draft: PromptDraft): { systemPrompt?: string; refusalMessage?: string } {
  return {
    ...(draft.systemPrompt.length > SYSTEM_PROMPT_MAX ? { systemPrompt: `At most ${SYSTEM_PROMPT_MAX} characters` } : {}),
    ...(draft.refusalMessage.trim().length > REFUSAL_MAX ? { refusalMessage: `At most ${REFUSAL_MAX} characters` } : {}),
  };
}

/** "Prompt" in Project settings: the project's system prompt and whether it answers from its documents only. */
export function ProjectPromptFields({ id, draft, onChange }: { id: string; draft: PromptDraft; onChange: (draft: PromptDraft) => void }) {
  const errors = promptErrors(draft);
  return (
    <fieldset className="card">
      <legend>Prompt</legend>
      <div className="field">
        <label htmlFor={`${id}-system_prompt`}>System prompt</label>
        <textarea
          id={`${id}-system_prompt`}
          rows={4}
          value={draft.systemPrompt}
          aria-describedby={`${id}-system_prompt-help`}
          aria-invalid={errors.systemPrompt ? true : undefined}
          placeholder="For example: You answer for the Acme HR desk. Be brief and friendly."
          onChange={(event) => onChange({ ...draft, systemPrompt: event.target.value })}
        />
        <p className="field-help" id={`${id}-system_prompt-help`}>
          Sent to the model first, before the app’s own instructions to answer from the sources and cite them.
        </p>
        {errors.systemPrompt ? <p className="form-error">{errors.systemPrompt}</p> : null}
      </div>
      <fieldset className="field radio-group">
        <legend>Answer mode</legend>
        <label>
          <input
            type="radio"
            name={`${id}-answer_mode`}
            value="chat"
            checked={draft.answerMode === 'chat'}
            onChange={() => onChange({ ...draft, answerMode: 'chat' })}
          />{' '}
          Chat: when no passage matches, the model says so and may answer from general knowledge, labelled as such
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-answer_mode`}
            value="documents_only"
            checked={draft.answerMode === 'documents_only'}
            onChange={() => onChange({ ...draft, answerMode: 'documents_only' })}
          />{' '}
          Documents only: when no passage is relevant enough, a fixed refusal, without asking the model
        </label>
      </fieldset>
      {draft.answerMode === 'documents_only' ? (
        <div className="field">
          <label htmlFor={`${id}-refusal_message`}>Refusal</label>
          <input
            id={`${id}-refusal_message`}
            type="text"
            value={draft.refusalMessage}
            placeholder={DEFAULT_REFUSAL_MESSAGE}
            aria-invalid={errors.refusalMessage ? true : undefined}
            onChange={(event) => onChange({ ...draft, refusalMessage: event.target.value })}
          />
          <p className="field-help">Empty: “{DEFAULT_REFUSAL_MESSAGE}”</p>
          {errors.refusalMessage ? <p className="form-error">{errors.refusalMessage}</p> : null}
        </div>
      ) : null}
    </fieldset>
  );
}
