import type { InstalledModel } from '../api/settings.ts';
import { formatBytes } from '../lib/format.ts';
import { Link, paths } from '../lib/router.tsx';

/**
 * A model picker over the installed models (`GET /api/settings/models/installed`); a free-text field
 * when they cannot be listed. The empty value means "the default", named by `defaultLabel`.
 */
export function ModelField({
  id,
  label,
  help,
  value,
  models,
  loading,
  defaultLabel,
  unreachable,
  onChange,
}: {
  id: string;
  label: string;
  help: string;
  value: string;
  models: InstalledModel[] | undefined;
  loading: boolean;
  defaultLabel: string;
  /** Set when the model server cannot be reached: said instead of "none installed". */
  unreachable?: string;
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
        <input
          id={id}
          value={value}
          placeholder={defaultLabel}
          onChange={(event) => onChange(event.target.value)}
          aria-describedby={`${id}-help`}
        />
        <p id={`${id}-help`} className="field-help">
          {help} Leave it empty to use the default.
        </p>
      </div>
    );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={selectValue}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={`${id}-help`}
        disabled={loading}
      >
        <option value="">{defaultLabel}</option>
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
        {unreachable ? ` ${unreachable}.` : models && listed.length === 0 ? ' No model of this kind is installed in Ollama.' : ''}{' '}
        {unreachable || (models && listed.length === 0) ? <Link to={paths.models()}>Models</Link> : null}
      </p>
    </div>
  );
}

function withTag(name: string): string {
  return name && !name.includes(':') ? `${name}:latest` : name;
}
