import { useEffect, useState, type FormEvent } from 'react';
import { useInstalledModels, useSaveSettings, useSettings, type AppSettings, type InstalledModel } from '../api/settings.ts';
import { ErrorNotice, Loading } from '../components/feedback.tsx';
import { useToast } from '../components/toasts.tsx';
import { ApiError, errorMessage } from '../lib/api.ts';
import { formatBytes } from '../lib/format.ts';

type NumberField =
  | 'default_temperature'
  | 'default_retrieval_k'
  | 'default_history_length'
  | 'default_max_tokens'
  | 'default_min_score'
  | 'default_chunk_size'
  | 'default_chunk_overlap';

interface NumberSpec {
  field: NumberField;
  label: string;
  help: string;
  min: number;
  max: number;
  step: number;
}

const ANSWER_FIELDS: NumberSpec[] = [
  { field: 'default_temperature', label: 'Temperature', help: 'Lower is more literal, higher more varied (0–2).', min: 0, max: 2, step: 0.1 },
  { field: 'default_retrieval_k', label: 'Passages per answer (top k)', help: 'How many passages are retrieved for each question.', min: 1, max: 50, step: 1 },
  { field: 'default_min_score', label: 'Minimum relevance', help: 'Passages scoring below this (0–1) are left out.', min: 0, max: 1, step: 0.05 },
  { field: 'default_history_length', label: 'Conversation memory (turns)', help: 'Previous question-and-answer pairs sent with each question.', min: 0, max: 50, step: 1 },
  { field: 'default_max_tokens', label: 'Longest answer (tokens)', help: 'The model stops after this many tokens.', min: 1, max: 32768, step: 1 },
];

const DOCUMENT_FIELDS: NumberSpec[] = [
  { field: 'default_chunk_size', label: 'Passage size (characters)', help: 'How documents are split; applies to documents processed from now on.', min: 100, max: 20000, step: 50 },
  { field: 'default_chunk_overlap', label: 'Passage overlap (characters)', help: 'Text shared by neighbouring passages; must be smaller than the passage size.', min: 0, max: 10000, step: 10 },
];

type Draft = Record<NumberField, string> & { default_llm_model: string; default_embedding_model: string };

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
  for (const spec of [...ANSWER_FIELDS, ...DOCUMENT_FIELDS]) {
    const raw = draft[spec.field].trim();
    const value = Number(raw);
    if (raw === '' || !Number.isFinite(value)) errors[spec.field] = 'Enter a number.';
    else if (value < spec.min || value > spec.max) errors[spec.field] = `Between ${spec.min} and ${spec.max}.`;
    else if (spec.step >= 1 && !Number.isInteger(value)) errors[spec.field] = 'Enter a whole number.';
  }
  if (!errors.default_chunk_overlap && !errors.default_chunk_size && Number(draft.default_chunk_overlap) >= Number(draft.default_chunk_size)) {
    errors.default_chunk_overlap = 'The overlap must be smaller than the passage size.';
  }
  return errors;
}

export function SettingsPage() {
  const settings = useSettings();
  const models = useInstalledModels();
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
              version was built without the settings API. Answers use the defaults from the server’s environment
              (<code>OLLAMA_MODEL</code>, <code>DEFAULT_TOP_K</code>, …).
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
      default_llm_model: draft.default_llm_model || null,
      default_embedding_model: draft.default_embedding_model || null,
    };
    for (const spec of [...ANSWER_FIELDS, ...DOCUMENT_FIELDS]) body[spec.field] = Number(draft[spec.field]);
    save.mutate(body, {
      onSuccess: () => {
        setTouched(false);
        toast.show('Settings saved. New answers use them now.', 'success');
      },
    });
  };

  const modelsUnavailable = models.isError;
  return (
    <div className="page narrow">
      <h1>Settings</h1>
      <p className="muted">Defaults for every project. Settings saved on a project itself (through the API) take precedence.</p>
      <form className="form settings-form" onSubmit={submit} noValidate>
        <fieldset className="card">
          <legend>Models</legend>
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
            onChange={(value) => set('default_llm_model', value)}
          />
          <ModelField
            id="default_embedding_model"
            label="Embedding model"
            help="Turns passages into vectors for search. Changing it re-indexes the documents in the background."
            value={draft.default_embedding_model}
            models={models.data?.embedding_models}
            loading={models.isPending}
            onChange={(value) => set('default_embedding_model', value)}
          />
        </fieldset>
        <fieldset className="card">
          <legend>Answers</legend>
          {ANSWER_FIELDS.map((spec) => (
            <NumberInput key={spec.field} spec={spec} value={draft[spec.field]} error={errors[spec.field]} onChange={(value) => set(spec.field, value)} />
          ))}
        </fieldset>
        <fieldset className="card">
          <legend>Documents</legend>
          {DOCUMENT_FIELDS.map((spec) => (
            <NumberInput key={spec.field} spec={spec} value={draft[spec.field]} error={errors[spec.field]} onChange={(value) => set(spec.field, value)} />
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
    </div>
  );
}

function ModelField({
  id,
  label,
  help,
  value,
  models,
  loading,
  onChange,
}: {
  id: string;
  label: string;
  help: string;
  value: string;
  models: InstalledModel[] | undefined;
  loading: boolean;
  onChange: (value: string) => void;
}) {
  const listed = models ?? [];
  // Ollama reads a name without a tag as `:latest`: "llama3.2" is the installed "llama3.2:latest".
  const installed = listed.find((model) => withTag(model.name) === withTag(value));
  const selectValue = installed?.name ?? value;
  if (!models && !loading) {
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input id={id} value={value} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-help`} />
        <p id={`${id}-help`} className="field-help">
          {help}
        </p>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={selectValue} onChange={(event) => onChange(event.target.value)} aria-describedby={`${id}-help`} disabled={loading}>
        <option value="">Server default</option>
        {!installed && value ? <option value={value}>{value} (not installed)</option> : null}
        {listed.map((model) => (
          <option key={model.name} value={model.name}>
            {model.name}
            {typeof model.size === 'number' ? ` · ${formatBytes(model.size)}` : ''}
          </option>
        ))}
      </select>
      <p id={`${id}-help`} className="field-help">
        {help}
        {models && listed.length === 0 ? ' No model of this kind is installed in Ollama.' : ''}
      </p>
    </div>
  );
}

function withTag(name: string): string {
  return name && !name.includes(':') ? `${name}:latest` : name;
}

function NumberInput({ spec, value, error, onChange }: { spec: NumberSpec; value: string; error?: string; onChange: (value: string) => void }) {
  const id = `setting-${spec.field}`;
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
