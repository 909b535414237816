import { useEffect, useState, type FormEvent } from 'react';
import { useInstalledModels, useSaveSettings, useSettings, type AppSettings } from '../api/settings.ts';
import { ErrorNotice, Loading } from '../components/feedback.tsx';
import { ModelField } from '../components/model-field.tsx';
import { useAuthMode } from '../api/accounts.ts';
import { AccountCard } from '../components/account-card.tsx';
import { useIsAdmin } from '../lib/permissions.ts';
import { ModelsSection, ollamaUnreachableText } from '../components/models-section.tsx';
import { useLlmStatus } from '../api/models.ts';
import { SessionCard } from '../components/session-card.tsx';
import { useToast } from '../components/toasts.tsx';
import { ApiError, errorMessage } from '../lib/api.ts';
import {
  ANSWER_SETTINGS,
  DOCUMENT_SETTINGS,
  NUMBER_SETTINGS,
  OVERLAP_TOO_LARGE,
  numberError,
  type NumberSetting,
  type NumberSettingKey,
} from '../lib/setting-fields.ts';

type Draft = Record<NumberSettingKey, string> & { default_llm_model: string; default_embedding_model: string };

function toDraft(settings: AppSettings): Draft {
  return {
    default_llm_model: settings.default_llm_model ?? '',
    default_embedding_model: settings.default_embedding_model ?? '',
    default_temperature: String(settings.default_temperature ?? ''),
    default_retrieval_k: String(settings.default_retrieval_k ?? ''),
    default_min_score: String(settings.default_min_score ?? ''),
    default_history_length: String(settings.default_history_length ?? ''),
    default_max_tokens: String(settings.default_max_tokens ?? ''),
    default_chunk_size: String(settings.default_chunk_size ?? ''),
    default_chunk_overlap: String(settings.default_chunk_overlap ?? ''),
  };
}

/** Checks what can be checked here; the server has the last word (its `{detail}` is shown). */
function validate(draft: Draft): Partial<Record<keyof Draft, string>> {
  const errors: Partial<Record<keyof Draft, string>> = {};
  for (const spec of NUMBER_SETTINGS) {
    const error = numberError(spec, draft[spec.global]);
    if (error) errors[spec.global] = error;
  }
  if (
    !errors.default_chunk_overlap &&
    !errors.default_chunk_size &&
    Number(draft.default_chunk_overlap) >= Number(draft.default_chunk_size)
  ) {
    errors.default_chunk_overlap = OVERLAP_TOO_LARGE;
  }
  return errors;
}

/**
 * Settings. Global settings and model downloads are the administrators' (accounts on); anyone else
 * sees their own account here.
 */
export function SettingsPage() {
  const isAdmin = useIsAdmin();
  return isAdmin ? <GlobalSettingsPage /> : <MemberSettingsPage />;
}

function MemberSettingsPage() {
  return (
    <div className="page narrow">
      <h1>Settings</h1>
      <p className="muted">Default models, answer settings and model downloads are managed by an administrator.</p>
      <AccountCardWhenSignedIn />
    </div>
  );
}

function GlobalSettingsPage() {
  const settings = useSettings();
  const models = useInstalledModels();
  const llmStatus = useLlmStatus();
  const save = useSaveSettings();
  const toast = useToast();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    if (settings.data && !touched) setDraft(toDraft(settings.data));
  }, [settings.data, touched]);

  if (settings.isPending) return <Loading label="Loading settings…" />;
  if (settings.isError) {
    const missing = settings.error instanceof ApiError && settings.error.isNotFound;
    return (
      <div className="page narrow">
        <h1>Settings</h1>
        {missing ? (
          <div className="error-notice" role="alert">
            <p>
              <strong>Settings are not available on this server yet.</strong> The server answered 404 for <code>/api/settings</code>: this
              version was built without the settings API. Answers use the defaults from the server’s environment (<code>OLLAMA_MODEL</code>,{' '}
              <code>DEFAULT_TOP_K</code>, …).
            </p>
          </div>
        ) : (
          <ErrorNotice title="Settings could not be loaded" error={settings.error} onRetry={() => void settings.refetch()} />
        )}
      </div>
    );
  }
  if (!draft) return <Loading label="Loading settings…" />;

  const errors = validate(draft);
  const hasErrors = Object.keys(errors).length > 0;
  const set = (field: keyof Draft, value: string) => {
    setTouched(true);
    setDraft({ ...draft, [field]: value });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (hasErrors) return;
    const body: Partial<AppSettings> = {
      // An empty field leaves the model as it is: the server has no "no default model".
      default_llm_model: draft.default_llm_model || undefined,
      default_embedding_model: draft.default_embedding_model || undefined,
    };
    for (const spec of NUMBER_SETTINGS) body[spec.global] = Number(draft[spec.global]);
    save.mutate(body, {
      onSuccess: () => {
        setTouched(false);
        toast.show('Settings saved. New answers use them now.', 'success');
      },
    });
  };

  const modelsUnavailable = models.isError;
  const unreachable = models.data?.ollama_reachable === false ? ollamaUnreachableText(llmStatus.data?.host) : undefined;
  return (
    <div className="page narrow">
      <h1>Settings</h1>
      <p className="muted">
        Defaults for every project. A project can override any of them: open the project and choose <strong>Project settings</strong>.
      </p>
      <form className="form settings-form" onSubmit={submit} noValidate>
        <fieldset className="card">
          <legend>Default models</legend>
          {modelsUnavailable ? (
            <p className="form-error" role="alert">
              The installed models could not be listed: {errorMessage(models.error)}. You can still type a model name.
            </p>
          ) : null}
          <ModelField
            id="default_llm_model"
            label="Chat model"
            help="Writes the answers."
            value={draft.default_llm_model}
            models={models.data?.llm_models}
            loading={models.isPending}
            defaultLabel="Server default"
            unreachable={unreachable}
            onChange={(value) => set('default_llm_model', value)}
          />
          <ModelField
            id="default_embedding_model"
            label="Embedding model"
            help="Turns passages into vectors for search. Changing it re-indexes the documents in the background."
            value={draft.default_embedding_model}
            models={models.data?.embedding_models}
            loading={models.isPending}
            defaultLabel="Server default"
            unreachable={unreachable}
            onChange={(value) => set('default_embedding_model', value)}
          />
        </fieldset>
        <fieldset className="card">
          <legend>Answers</legend>
          {ANSWER_SETTINGS.map((spec) => (
            <NumberInput
              key={spec.global}
              spec={spec}
              value={draft[spec.global]}
              error={errors[spec.global]}
              onChange={(value) => set(spec.global, value)}
            />
          ))}
        </fieldset>
        <fieldset className="card">
          <legend>Documents</legend>
          {DOCUMENT_SETTINGS.map((spec) => (
            <NumberInput
              key={spec.global}
              spec={spec}
              value={draft[spec.global]}
              error={errors[spec.global]}
              onChange={(value) => set(spec.global, value)}
            />
          ))}
        </fieldset>
        {save.error ? (
          <p className="form-error" role="alert">
            {save.error instanceof ApiError && save.error.isNotFound
              ? 'Saving is not available on this server yet (the settings API answered 404).'
              : errorMessage(save.error)}
          </p>
        ) : null}
        <div className="form-actions">
          <button
            type="button"
            className="button"
            disabled={!touched}
            onClick={() => {
              setTouched(false);
              save.reset();
              setDraft(toDraft(settings.data));
            }}
          >
            Undo changes
          </button>
          <button type="submit" className="button primary" disabled={hasErrors || save.isPending}>
            {save.isPending ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
      <ModelsSection />
      <SessionCard />
      <AccountCardWhenSignedIn />
    </div>
  );
}

function NumberInput({
  spec,
  value,
  error,
  onChange,
}: {
  spec: NumberSetting;
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  const id = `setting-${spec.global}`;
  return (
    <div className="field field-inline">
      <label htmlFor={id}>{spec.label}</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        min={spec.min}
        max={spec.max}
        step={spec.step}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-help`}
      />
      <p id={`${id}-help`} className={`field-help${error ? ' error' : ''}`}>
        {error ?? spec.help}
      </p>
    </div>
  );
}

function AccountCardWhenSignedIn() {
  const mode = useAuthMode();
  return mode.data?.auth_mode === 'accounts' ? <AccountCard /> : null;
}
