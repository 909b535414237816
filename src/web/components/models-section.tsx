import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useDeleteModel, useLlmStatus, useModelSearch, usePopularModels, useStartPull } from '../api/models.ts';
import { useInstalledModels, type InstalledModel } from '../api/settings.ts';
import { useModelPulls } from '../hooks/use-model-pulls.ts';
import { errorMessage } from '../lib/api.ts';
import { formatBytes } from '../lib/format.ts';
import { Loading } from './feedback.tsx';
import { ModelPullCard } from './model-pull-card.tsx';

/** What the user is told when Ollama cannot be reached, everywhere models are listed. */
export function ollamaUnreachableText(host: string | undefined): string {
  return `Ollama is not reachable at ${host ?? 'its configured address'}`;
}

type CatalogEntry = { name: string; size: string; description: string; installed: boolean; custom?: boolean };

/**
 * Settings › Models: what is installed (with Delete), the curated catalog and a search over it (with
 * Download), any Ollama model by name, and the downloads running now with their progress.
 */
export function ModelsSection() {
  const installed = useInstalledModels();
  const status = useLlmStatus();
  const popular = usePopularModels();
  const pulls = useModelPulls();
  const startPull = useStartPull();
  const [query, setQuery] = useState('');
  const [submittedQuery, setSubmittedQuery] = useState('');
  const [customName, setCustomName] = useState('');
  const search = useModelSearch(submittedQuery);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (window.location.hash === '#models') heading.current?.scrollIntoView?.({ block: 'start' });
  }, []);

  const reachable = installed.data ? installed.data.ollama_reachable : status.data?.connected;
  const unreachable = reachable === false;
  const running = new Set(pulls.filter((pull) => !pull.done).map((pull) => pull.model_name));
  const download = (name: string) => startPull.mutate(name);

  const submitSearch = (event: FormEvent) => {
    event.preventDefault();
    setSubmittedQuery(query);
  };
  const submitCustom = (event: FormEvent) => {
    event.preventDefault();
    const name = customName.trim();
    if (!name) return;
    startPull.mutate(name, { onSuccess: () => setCustomName('') });
  };

  return (
    <section className="card models-section" aria-labelledby="models-heading" id="models">
      <h2 id="models-heading" ref={heading} tabIndex={-1}>
        Models
      </h2>
      {unreachable ? (
        <p className="form-error" role="alert">
          {ollamaUnreachableText(status.data?.host)}. Start it (<code>ollama serve</code>) to list, download and delete models; until then
          answers quote your documents and search is full-text only.
        </p>
      ) : null}

      {pulls.length > 0 ? (
        <div className="model-pulls" aria-label="Downloads">
          <h3>Downloads</h3>
          {[...pulls].reverse().map((pull) => (
            <ModelPullCard key={pull.model_name} pull={pull} />
          ))}
        </div>
      ) : null}

      <h3>Installed</h3>
      {installed.isPending ? <Loading label="Listing the installed models…" /> : null}
      {installed.isError ? (
        <p className="form-error" role="alert">
          The installed models could not be listed: {errorMessage(installed.error)}
        </p>
      ) : null}
      {installed.data && !unreachable ? (
        <>
          <InstalledTable title="Chat models" models={installed.data.llm_models} defaultName={installed.data.current_llm} />
          <InstalledTable
            title="Embedding models"
            models={installed.data.embedding_models}
            defaultName={installed.data.current_embedding}
          />
        </>
      ) : null}

      <h3>Download a model</h3>
      <form className="model-search" role="search" onSubmit={submitSearch}>
        <label htmlFor="model-search-query">Search the catalog</label>
        <div className="inline-form">
          <input
            id="model-search-query"
            type="search"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            placeholder="e.g. qwen, embed, code"
          />
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </form>
      {submittedQuery.trim() ? (
        search.isPending ? (
          <Loading label="Searching…" />
        ) : search.isError ? (
          <p className="form-error" role="alert">
            {errorMessage(search.error)}
          </p>
        ) : (
          <CatalogList
            title={`Results for “${submittedQuery.trim()}”`}
            entries={search.data ?? []}
            running={running}
            onDownload={download}
            disabled={unreachable}
          />
        )
      ) : null}
      {popular.data ? (
        <>
          <CatalogList
            title="Popular chat models"
            entries={popular.data.llm_models}
            running={running}
            onDownload={download}
            disabled={unreachable}
          />
          <CatalogList
            title="Popular embedding models"
            entries={popular.data.embedding_models}
            running={running}
            onDownload={download}
            disabled={unreachable}
          />
        </>
      ) : null}
      <form className="field" onSubmit={submitCustom}>
        <label htmlFor="model-pull-name">Any Ollama model by name</label>
        <div className="inline-form">
          <input
            id="model-pull-name"
            value={customName}
            onChange={(event) => setCustomName(event.target.value)}
            placeholder="e.g. mistral:7b-instruct"
            aria-describedby="model-pull-name-help"
            autoComplete="off"
            spellCheck={false}
          />
          <button type="submit" className="button primary" disabled={!customName.trim() || startPull.isPending || unreachable}>
            Download
          </button>
        </div>
        <p id="model-pull-name-help" className="field-help">
          Names as on ollama.com/library, with an optional tag after a colon.
        </p>
      </form>
      {startPull.error ? (
        <p className="form-error" role="alert">
          {errorMessage(startPull.error)}
        </p>
      ) : null}
    </section>
  );
}

function InstalledTable({ title, models, defaultName }: { title: string; models: InstalledModel[]; defaultName: string }) {
  const remove = useDeleteModel();
  if (models.length === 0) {
    return <p className="muted">{title}: none installed. Download one below.</p>;
  }
  const isDefault = (name: string) => name === defaultName || name === `${defaultName}:latest`;
  return (
    <div className="table-wrap">
      <table className="models-table">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Size</th>
            <th scope="col">Family</th>
            <th scope="col">Context</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {models.map((model) => (
            <tr key={model.name}>
              <th scope="row">
                {model.name}
                {isDefault(model.name) ? <span className="badge">default</span> : null}
              </th>
              <td>{formatBytes(model.size)}</td>
              <td>{[model.family, model.parameter_size].filter(Boolean).join(' · ') || '—'}</td>
              <td>{model.context_length ? `${model.context_length.toLocaleString()} tokens` : '—'}</td>
              <td>
                <button
                  type="button"
                  className="button small danger"
                  disabled={isDefault(model.name) || remove.isPending}
                  title={isDefault(model.name) ? 'The default model cannot be deleted; choose another default first' : undefined}
                  aria-label={`Delete ${model.name}`}
                  onClick={() => {
                    if (window.confirm(`Delete ${model.name} from Ollama? It can be downloaded again later.`)) remove.mutate(model.name);
                  }}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {remove.error ? (
        <p className="form-error" role="alert">
          {errorMessage(remove.error)}
        </p>
      ) : null}
    </div>
  );
}

function CatalogList({
  title,
  entries,
  running,
  onDownload,
  disabled,
}: {
  title: string;
  entries: CatalogEntry[];
  running: Set<string>;
  onDownload: (name: string) => void;
  disabled: boolean;
}) {
  if (entries.length === 0) return <p className="muted">{title}: nothing found.</p>;
  return (
    <div className="catalog">
      <h4>{title}</h4>
      <ul className="catalog-list">
        {entries.map((entry) => (
          <li key={entry.name} className="catalog-entry">
            <div>
              <strong>{entry.name}</strong> <span className="muted small">{entry.size}</span>
              <p className="small muted">
                {entry.custom ? 'Not in the catalog: downloaded from Ollama by this exact name.' : entry.description}
              </p>
            </div>
            {entry.installed ? (
              <span className="badge badge-success">Installed</span>
            ) : (
              <button
                type="button"
                className="button small"
                disabled={disabled || running.has(entry.name)}
                onClick={() => onDownload(entry.name)}
                aria-label={`Download ${entry.name}`}
              >
                {running.has(entry.name) ? 'Downloading…' : 'Download'}
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
