import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ProjectResponse } from '../../protocol/rest.ts';
import { useUpdateProject } from '../api/projects.ts';
import { useInstalledModels, useSettings } from '../api/settings.ts';
import { errorMessage } from '../lib/api.ts';
import { Link, paths } from '../lib/router.tsx';
import { overrideChanges, projectOverrides, type ProjectOverrides } from '../lib/project-overrides.ts';
import {
  ANSWER_SETTINGS,
  CHOICE_SETTINGS,
  DOCUMENT_SETTINGS,
  MODEL_SETTINGS,
  NUMBER_SETTINGS,
  OVERLAP_TOO_LARGE,
  numberError,
  type NumberSetting,
  type ProjectChoiceKey,
  type ProjectModelKey,
  type ProjectNumberKey,
} from '../lib/setting-fields.ts';
import { ModelField } from './model-field.tsx';
import { Modal } from './modal.tsx';
import { ProjectPromptFields, promptChanges, promptDraftOf, promptErrors, type PromptDraft } from './project-prompt-fields.tsx';
import { projectSettings } from '../api/projects.ts';

/** One numeric field: on the global default, or overridden with the typed value. */
interface NumberDraft {
  overridden: boolean;
  value: string;
}

type Draft = Record<ProjectModelKey | ProjectChoiceKey, string> & Record<ProjectNumberKey, NumberDraft>;

function toDraft(overrides: ProjectOverrides, global: Record<string, unknown> | undefined): Draft {
  const draft = {} as Draft;
  for (const spec of MODEL_SETTINGS) draft[spec.override] = String(overrides[spec.override] ?? '');
  for (const spec of CHOICE_SETTINGS) draft[spec.override] = String(overrides[spec.override] ?? '');
  for (const spec of NUMBER_SETTINGS) {
    const own = overrides[spec.override];
    // Overriding starts from the global value, so the user edits from what applies now.
    draft[spec.override] = { overridden: own !== undefined, value: String(own ?? global?.[spec.global] ?? '') };
  }
  return draft;
}

function fromDraft(draft: Draft): ProjectOverrides {
  const overrides: ProjectOverrides = {};
  for (const spec of MODEL_SETTINGS) if (draft[spec.override].trim()) overrides[spec.override] = draft[spec.override].trim();
  for (const spec of CHOICE_SETTINGS) if (draft[spec.override]) overrides[spec.override] = draft[spec.override];
  for (const spec of NUMBER_SETTINGS) if (draft[spec.override].overridden) overrides[spec.override] = Number(draft[spec.override].value);
  return overrides;
}

/** Checks the overridden fields; overlap < size is checked against what would apply (as the server does). */
function validate(draft: Draft, global: Record<string, unknown> | undefined): Partial<Record<ProjectNumberKey, string>> {
  const errors: Partial<Record<ProjectNumberKey, string>> = {};
  for (const spec of NUMBER_SETTINGS) {
    const field = draft[spec.override];
    const error = field.overridden ? numberError(spec, field.value) : undefined;
    if (error) errors[spec.override] = error;
  }
  const size = draft.chunk_size.overridden ? Number(draft.chunk_size.value) : Number(global?.default_chunk_size);
  const overlap = draft.chunk_overlap.overridden ? Number(draft.chunk_overlap.value) : Number(global?.default_chunk_overlap);
  const chunking = draft.chunk_size.overridden || draft.chunk_overlap.overridden;
  if (chunking && !errors.chunk_size && !errors.chunk_overlap && Number.isFinite(size) && Number.isFinite(overlap) && overlap >= size) {
    errors[draft.chunk_overlap.overridden ? 'chunk_overlap' : 'chunk_size'] = OVERLAP_TOO_LARGE;
  }
  return errors;
}

/**
 * A project's own settings (`PUT /api/projects/{id}` `settings`): each one is either the global
 * default or an override. Only changed keys are sent; a cleared override is sent as null.
 */
export function ProjectSettingsDialog({ project, onClose }: { project: ProjectResponse; onClose: () => void }) {
  const settings = useSettings();
  const models = useInstalledModels();
  const update = useUpdateProject();
  const global = settings.data as Record<string, unknown> | undefined;
  const [initial] = useState(() => projectOverrides(project));
  const [draft, setDraft] = useState<Draft | null>(null);
  const current = draft ?? toDraft(initial, global);
  const formId = `project-settings-${project.id}`;

  const [initialPrompt] = useState(() => promptDraftOf(projectSettings(project)));
  const [prompt, setPrompt] = useState<PromptDraft>(initialPrompt);

  const errors = validate(current, global);
  const hasErrors = Object.keys(errors).length > 0 || Object.keys(promptErrors(prompt)).length > 0;
  const changes = hasErrors ? {} : { ...overrideChanges(initial, fromDraft(current)), ...promptChanges(initialPrompt, prompt) };
  const changed = Object.keys(changes);

  const setModel = (key: ProjectModelKey | ProjectChoiceKey, value: string) => setDraft({ ...current, [key]: value });
  const setNumber = (key: ProjectNumberKey, next: Partial<NumberDraft>) => {
    const field = { ...current[key], ...next };
    // Settings loaded after the dialog opened: overriding still starts from the global value.
    const spec = NUMBER_SETTINGS.find((item) => item.override === key);
    if (next.overridden && field.value === '' && spec && global?.[spec.global] !== undefined) field.value = String(global[spec.global]);
    setDraft({ ...current, [key]: field });
  };
  const defaultText = (key: string) => {
    const value = global?.[key];
    return value === undefined || value === null || value === '' ? 'Use the global default' : `Use the global default (${String(value)})`;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (hasErrors) return;
    if (changed.length === 0) {
      onClose();
      return;
    }
    try {
      await update.mutateAsync({ projectId: project.id, body: { settings: changes } });
      onClose();
    } catch {
      // Shown below from the mutation's error.
    }
  };

  const numberFields = (specs: NumberSetting[]) =>
    specs.map((spec) => (
      <OverridableNumber
        key={spec.override}
        id={`${formId}-${spec.override}`}
        spec={spec}
        field={current[spec.override]}
        defaultLabel={defaultText(spec.global)}
        error={errors[spec.override]}
        onChange={(next) => setNumber(spec.override, next)}
      />
    ));

  const reembeds = 'embedding_model' in changes;
  const rechunks = 'chunk_size' in changes || 'chunk_overlap' in changes;
  return (
    <Modal
      title="Project settings"
      onClose={onClose}
      wide
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form={formId} className="button primary" disabled={hasErrors || update.isPending}>
            {update.isPending ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <form id={formId} className="form settings-form" onSubmit={submit} noValidate>
        <p className="muted">
          Settings for <strong>{project.name}</strong> only; anything left on the global default follows the{' '}
          <Link to={paths.settings()}>global settings</Link>. Options chosen for a single question still win.
        </p>
        <fieldset className="card">
          <legend>Models</legend>
          {models.isError ? (
            <p className="form-error" role="alert">
              The installed models could not be listed: {errorMessage(models.error)}. You can still type a model name.
            </p>
          ) : null}
          <ModelField
            id={`${formId}-llm_model`}
            label="Chat model"
            help="Writes this project’s answers."
            value={current.llm_model}
            models={models.data?.llm_models}
            loading={models.isPending}
            defaultLabel={defaultText('default_llm_model')}
            onChange={(value) => setModel('llm_model', value)}
          />
          <ModelField
            id={`${formId}-embedding_model`}
            label="Embedding model"
            help="Turns this project’s passages into vectors for search."
            value={current.embedding_model}
            models={models.data?.embedding_models}
            loading={models.isPending}
            defaultLabel={defaultText('default_embedding_model')}
            onChange={(value) => setModel('embedding_model', value)}
          />
        </fieldset>
        <fieldset className="card">
          <legend>Answers</legend>
          {numberFields(ANSWER_SETTINGS)}
        </fieldset>
        <ProjectPromptFields id={formId} draft={prompt} onChange={setPrompt} />
        <fieldset className="card">
          <legend>Search</legend>
          {CHOICE_SETTINGS.map((spec) => (
            <div className="field" key={spec.override}>
              <label htmlFor={`${formId}-${spec.override}`}>{spec.label}</label>
              <select
                id={`${formId}-${spec.override}`}
                value={current[spec.override]}
                onChange={(event) => setModel(spec.override, event.target.value)}
              >
                <option value="">{`Default (${spec.choices[0]!.label})`}</option>
                {spec.choices.map((choice) => (
                  <option key={choice.value} value={choice.value}>
                    {choice.label}
                  </option>
                ))}
              </select>
              <p className="muted small">{spec.help}</p>
            </div>
          ))}
        </fieldset>
        <fieldset className="card">
          <legend>Documents</legend>
          {numberFields(DOCUMENT_SETTINGS)}
        </fieldset>
        {reembeds || rechunks ? (
          <div className="settings-notice" role="status">
            {reembeds ? (
              <p>
                A new embedding model re-embeds this project’s documents in the background once saved; search uses the new vectors when that
                is done.
              </p>
            ) : null}
            {rechunks ? (
              <p>
                New passage sizes apply to documents processed from now on. Existing documents are re-chunked only when you process them
                again (the ↻ button in the document list).
              </p>
            ) : null}
          </div>
        ) : null}
        {update.error ? (
          <p className="form-error" role="alert">
            The settings were not saved: {errorMessage(update.error)}
          </p>
        ) : null}
      </form>
    </Modal>
  );
}

function OverridableNumber({
  id,
  spec,
  field,
  defaultLabel,
  error,
  onChange,
}: {
  id: string;
  spec: NumberSetting;
  field: NumberDraft;
  defaultLabel: string;
  error?: string;
  onChange: (next: Partial<NumberDraft>) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const focusInput = useRef(false);
  // Unticking "use the default" enables the field; the keyboard lands in it to type the value.
  useEffect(() => {
    if (field.overridden && focusInput.current) input.current?.focus();
    focusInput.current = false;
  }, [field.overridden]);
  return (
    <div className="field field-inline">
      <label htmlFor={id}>{spec.label}</label>
      <input
        ref={input}
        id={id}
        type="number"
        inputMode="decimal"
        min={spec.min}
        max={spec.max}
        step={spec.step}
        value={field.value}
        disabled={!field.overridden}
        onChange={(event) => onChange({ value: event.target.value })}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-help`}
      />
      <label className="checkbox-label">
        <input
          type="checkbox"
          checked={!field.overridden}
          onChange={(event) => {
            focusInput.current = !event.target.checked;
            onChange({ overridden: !event.target.checked });
          }}
          aria-label={`${spec.label}: ${defaultLabel}`}
        />
        {defaultLabel}
      </label>
      <p id={`${id}-help`} className={`field-help${error ? ' error' : ''}`}>
        {error ?? spec.help}
      </p>
    </div>
  );
}
