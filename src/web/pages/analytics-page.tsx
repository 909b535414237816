import { useMemo, useState, type FormEvent } from 'react';
import {
  chunkExportUrl,
  useChunkTable,
  useEmbeddingStats,
  useProjection,
  useRetrievalTest,
  useSimilarityMatrix,
  type SimilarityMatrixResponse,
} from '../api/analytics.ts';
import { documentDownloadUrl, useDocuments } from '../api/documents.ts';
import { useProject } from '../api/projects.ts';
import { EmbeddingMap } from '../components/analytics/embedding-map.tsx';
import { ScoreHistogram } from '../components/analytics/score-histogram.tsx';
import { SimilarityHeatmap } from '../components/analytics/similarity-heatmap.tsx';
import { ErrorNotice, Loading, ProgressBar } from '../components/feedback.tsx';
import { ArrowLeftIcon } from '../components/icons.tsx';
import { Link, paths } from '../lib/router.tsx';

type Method = 'pca' | 'tsne' | 'umap';
const METHODS: Array<{ id: Method; label: string; about: string }> = [
  {
    id: 'pca',
    label: 'PCA',
    about: 'Linear: the directions along which the passages differ most. Fast; distances along the axes are meaningful.',
  },
  {
    id: 'tsne',
    label: 't-SNE',
    about: 'Keeps neighbours together: clusters of similar passages stand out; distances between clusters mean little.',
  },
  { id: 'umap', label: 'UMAP', about: 'Like t-SNE, neighbours stay together, and more of the global layout survives.' },
];

/**
 * The last map and heatmap asked for, per project, for this page load: coming back to the page shows
 * them again from the query cache (keyed by the documents' version, so a changed document recomputes).
 */
const lastRequests = new Map<string, Record<string, unknown>>();

const METHOD_LABELS: Record<Method, string> = { pca: 'PCA', tsne: 't-SNE', umap: 'UMAP' };

const percent = (value: number | null | undefined) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`);

/** What the documents look like to the model: overview, embedding map, heatmap, chunk table, retrieval tester. */
export default function AnalyticsPage({ projectId }: { projectId: number }) {
  const project = useProject(projectId);
  const documents = useDocuments(projectId);
  // Results are cached until a document changes.
  const version = useMemo(
    () => (documents.data ?? []).map((document) => `${document.id}:${document.updated_at}`).join(','),
    [documents.data],
  );
  const stats = useEmbeddingStats(projectId, version);

  if (project.isPending) return <Loading label="Loading the project…" />;
  if (project.isError)
    return (
      <div className="page">
        <ErrorNotice title="The project could not be loaded" error={project.error} />
      </div>
    );
  const termVectors = stats.data?.vector_source === 'tfidf';
  return (
    <div className="page analytics-page">
      <Link to={paths.project(projectId)} className="back-link">
        <ArrowLeftIcon /> {project.data.name}
      </Link>
      <div className="page-header">
        <div>
          <h1>Analytics</h1>
          <p className="muted">What the documents of {project.data.name} look like to the model.</p>
        </div>
      </div>
      {termVectors ? (
        <p className="notice" role="note" data-testid="no-model-notice">
          No embedding model has embedded this project, so the map, heatmap and average similarity use <strong>TF-IDF term vectors</strong>{' '}
          of the passages (latent semantic analysis): passages are close when they share words, not meaning. Norms and the embeddings
          download need an embedding model.
        </p>
      ) : null}

      <section aria-labelledby="overview-heading">
        <h2 id="overview-heading" className="visually-hidden">
          Overview
        </h2>
        {stats.isError ? (
          <ErrorNotice title="Statistics could not be loaded" error={stats.error} onRetry={() => void stats.refetch()} />
        ) : null}
        <div className="stat-cards">
          <StatCard
            label="Passages"
            value={stats.data?.total_chunks.toLocaleString() ?? '…'}
            detail={stats.data && !termVectors ? `${stats.data.embedded_chunks.toLocaleString()} embedded` : 'indexed for search'}
          />
          <StatCard label="Documents" value={stats.data?.total_documents.toLocaleString() ?? '…'} detail="completed" />
          <StatCard
            label="Embedding dimension"
            value={stats.data ? (stats.data.embedding_dimension || '—').toString() : '…'}
            detail={stats.data?.embedding_model ?? 'no embedding model'}
          />
          <StatCard
            label="Average similarity"
            value={stats.data ? percent(stats.data.stats.avg_similarity) : '…'}
            detail={`${termVectors ? 'term vectors' : 'cosine'}, ${Math.min(100, stats.data?.total_chunks ?? 0)} passages`}
          />
        </div>
      </section>

      <MapSection projectId={projectId} version={version} />
      <HeatmapSection projectId={projectId} version={version} />
      <ChunkTableSection projectId={projectId} version={version} />
      <RetrievalTesterSection projectId={projectId} />
    </div>
  );
}

function StatCard({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <div className="card stat-card">
      <span className="muted small">{label}</span>
      <strong className="stat-value">{value}</strong>
      <span className="muted small">{detail}</span>
    </div>
  );
}

function Segmented<Value extends string | number>({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: Array<{ id: Value; label: string }>;
  value: Value;
  onChange: (value: Value) => void;
}) {
  return (
    <div className="segmented" role="radiogroup" aria-label={label}>
      {options.map((option) => (
        <button
          key={option.id}
          type="button"
          role="radio"
          aria-checked={value === option.id}
          className={value === option.id ? 'active' : ''}
          onClick={() => onChange(option.id)}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

function MapSection({ projectId, version }: { projectId: number; version: string }) {
  const [method, setMethod] = useState<Method>('pca');
  const [dimensions, setDimensions] = useState<2 | 3>(2);
  const [samples, setSamples] = useState(500);
  const [perplexity, setPerplexity] = useState(30);
  const [neighbors, setNeighbors] = useState(15);
  const [request, setRequestState] = useState<Record<string, unknown> | null>(
    () => lastRequests.get(`map:${projectId}`) ?? { method: 'pca', dimensions: 2, n_samples: 500 },
  );
  const setRequest = (next: Record<string, unknown>) => {
    lastRequests.set(`map:${projectId}`, next);
    setRequestState(next);
  };
  const { projection, progress } = useProjection(projectId, version, request);
  const [opened, setOpened] = useState<{ document_id: number; document_name: string; chunk_index: number; text_preview: string } | null>(
    null,
  );
  const about = METHODS.find((entry) => entry.id === method)!.about;
  return (
    <section className="card panel" aria-labelledby="map-heading">
      <h2 id="map-heading">Embedding map</h2>
      <div className="analytics-controls">
        <Segmented label="Method" options={METHODS} value={method} onChange={setMethod} />
        <Segmented
          label="Dimensions"
          options={[
            { id: 2 as const, label: '2D' },
            { id: 3 as const, label: '3D' },
          ]}
          value={dimensions}
          onChange={setDimensions}
        />
        <label className="inline-field">
          Passages
          <select value={samples} onChange={(event) => setSamples(Number(event.target.value))}>
            {[100, 500, 1000, 2000].map((count) => (
              <option key={count} value={count}>
                {count}
              </option>
            ))}
          </select>
        </label>
        {method === 'tsne' ? (
          <label className="inline-field">
            Perplexity{' '}
            <input type="number" min={5} max={50} value={perplexity} onChange={(event) => setPerplexity(Number(event.target.value))} />
          </label>
        ) : null}
        {method === 'umap' ? (
          <label className="inline-field">
            Neighbours{' '}
            <input type="number" min={2} max={50} value={neighbors} onChange={(event) => setNeighbors(Number(event.target.value))} />
          </label>
        ) : null}
        <button
          type="button"
          className="button primary"
          onClick={() => setRequest({ method, dimensions, n_samples: samples, perplexity, n_neighbors: neighbors })}
        >
          Visualize
        </button>
      </div>
      <p className="muted small">{about}</p>
      {projection.isFetching ? (
        <div role="status" className="computing" data-testid="map-progress">
          <p>
            {progress?.stage === 'reading'
              ? 'Reading the vectors…'
              : `Computing the ${METHOD_LABELS[(request?.method as Method) ?? 'pca']} map…`}
            {progress?.stage === 'computing' && progress.done !== null ? ` ${Math.round(progress.done * 100)}%` : ''}
          </p>
          <ProgressBar
            label="Map computation"
            value={progress?.stage === 'computing' && progress.done !== null ? progress.done * 100 : null}
          />
        </div>
      ) : null}
      {projection.isError ? <ErrorNotice title="The map could not be computed" error={projection.error} /> : null}
      {projection.data && !projection.isFetching ? (
        <>
          <EmbeddingMap result={projection.data} onOpen={setOpened} />
          <p className="muted small">
            {projection.data.total_points} passages · {projection.data.method.toUpperCase()} {projection.data.dimensions}D ·{' '}
            {projection.data.vector_source === 'tfidf'
              ? projection.data.method === 'pca'
                ? 'latent semantic analysis (PCA of TF-IDF term vectors)'
                : 'TF-IDF term vectors'
              : projection.data.embedding_model}
            {projection.data.explained_variance
              ? ` · variance explained: ${projection.data.explained_variance.map((ratio) => percent(ratio)).join(' + ')}`
              : ''}
          </p>
        </>
      ) : null}
      {opened ? (
        <div className="passage-card" role="region" aria-label="Selected passage">
          <strong>{opened.document_name}</strong> <span className="muted small">chunk {opened.chunk_index}</span>
          <p>{opened.text_preview}</p>
          <div className="row-actions">
            <a className="button small" href={documentDownloadUrl(opened.document_id)} target="_blank" rel="noopener noreferrer">
              Open document
            </a>
            <button type="button" className="button small" onClick={() => setOpened(null)}>
              Close
            </button>
          </div>
        </div>
      ) : null}
    </section>
  );
}

function HeatmapSection({ projectId, version }: { projectId: number; version: string }) {
  const [scope, setScope] = useState<'document' | 'chunk'>('document');
  const [maxItems, setMaxItems] = useState(20);
  const [request, setRequestState] = useState<Record<string, unknown> | null>(() => lastRequests.get(`heatmap:${projectId}`) ?? null);
  const setRequest = (next: Record<string, unknown>) => {
    lastRequests.set(`heatmap:${projectId}`, next);
    setRequestState(next);
  };
  const matrix = useSimilarityMatrix(projectId, version, request);
  const [pair, setPair] = useState<{ row: number; column: number } | null>(null);
  return (
    <section className="card panel" aria-labelledby="heatmap-heading">
      <h2 id="heatmap-heading">Similarity heatmap</h2>
      <div className="analytics-controls">
        <Segmented
          label="Scope"
          options={[
            { id: 'document' as const, label: 'Documents' },
            { id: 'chunk' as const, label: 'Passages' },
          ]}
          value={scope}
          onChange={setScope}
        />
        <label className="inline-field">
          Max items
          <select value={maxItems} onChange={(event) => setMaxItems(Number(event.target.value))}>
            {[10, 20, 30, 50, 100].map((count) => (
              <option key={count} value={count}>
                {count}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button primary" onClick={() => setRequest({ scope, max_items: maxItems })}>
          Generate heatmap
        </button>
      </div>
      {matrix.isFetching ? (
        <p role="status" className="computing">
          Computing similarities…
        </p>
      ) : null}
      {matrix.isError ? <ErrorNotice title="The heatmap could not be computed" error={matrix.error} /> : null}
      {matrix.data && !matrix.isFetching ? (
        <SimilarityHeatmap result={matrix.data} onSelect={(row, column) => setPair({ row, column })} />
      ) : null}
      {pair && matrix.data && !matrix.isFetching && matrix.data.items[pair.row] && matrix.data.items[pair.column] ? (
        <section className="passage-pair" aria-label="Compared pair" data-testid="heatmap-pair">
          <p className="small">
            Cosine similarity <strong>{matrix.data.matrix[pair.row]![pair.column]!.toFixed(3)}</strong>
          </p>
          <div className="passage-pair-grid">
            <PairItem item={matrix.data.items[pair.row]!} />
            <PairItem item={matrix.data.items[pair.column]!} />
          </div>
          <button type="button" className="button small" onClick={() => setPair(null)}>
            Close
          </button>
        </section>
      ) : null}
    </section>
  );
}

/** One side of a compared pair: a passage's text, or a link to a document. */
function PairItem({ item }: { item: SimilarityMatrixResponse['items'][number] }) {
  return (
    <div className="passage-card">
      <strong>{item.label}</strong>
      {item.text !== null ? (
        <p className="chunk-text">{item.text}</p>
      ) : (
        <p>
          <a href={documentDownloadUrl(Number(item.id))} target="_blank" rel="noopener noreferrer">
            Open document
          </a>
        </p>
      )}
    </div>
  );
}

function ChunkTableSection({ projectId, version }: { projectId: number; version: string }) {
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const limit = 20;
  const table = useChunkTable(projectId, version, { search, skip: page * limit, limit });
  const pages = Math.max(1, Math.ceil((table.data?.total ?? 0) / limit));
  return (
    <section className="card panel" aria-labelledby="chunks-heading">
      <h2 id="chunks-heading">Passages</h2>
      <div className="analytics-controls">
        <label className="inline-field grow">
          Search
          <input
            type="search"
            value={search}
            placeholder="Text or document name"
            onChange={(event) => {
              setSearch(event.target.value);
              setPage(0);
            }}
          />
        </label>
        <a className="button" href={chunkExportUrl(projectId, search)} download>
          Export CSV
        </a>
      </div>
      {table.isError ? <ErrorNotice title="Passages could not be loaded" error={table.error} /> : null}
      <div className="table-scroll">
        <table className="chunk-table">
          <thead>
            <tr>
              <th scope="col">Document</th>
              <th scope="col">Chunk</th>
              <th scope="col">Text</th>
              <th scope="col">Dim</th>
              <th scope="col">Norm</th>
            </tr>
          </thead>
          <tbody>
            {(table.data?.chunks ?? []).map((chunk) => (
              <tr key={chunk.chunk_id}>
                <td>{chunk.document_name}</td>
                <td>
                  {chunk.chunk_index}
                  {chunk.page ? <span className="muted small"> · p. {chunk.page}</span> : null}
                </td>
                <td className="chunk-text">{chunk.text_preview}</td>
                <td>{chunk.embedding_dimension ?? '—'}</td>
                <td>{chunk.embedding_norm === null ? '—' : chunk.embedding_norm.toFixed(3)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" className="button small" disabled={page === 0} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span className="muted small">
          Page {page + 1} of {pages} · {table.data?.total ?? 0} passages
        </span>
        <button type="button" className="button small" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </div>
    </section>
  );
}

function RetrievalTesterSection({ projectId }: { projectId: number }) {
  const [query, setQuery] = useState('');
  const [topK, setTopK] = useState(10);
  const test = useRetrievalTest(projectId);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (query.trim()) test.mutate({ query: query.trim(), top_k: topK });
  };
  const results = test.data?.results ?? [];
  const scores = useMemo(() => (test.data?.results ?? []).map((result) => result.score), [test.data]);
  return (
    <section className="card panel" aria-labelledby="retrieval-heading">
      <h2 id="retrieval-heading">Retrieval tester</h2>
      <form className="analytics-controls" onSubmit={submit}>
        <label className="inline-field grow">
          Question
          <input value={query} onChange={(event) => setQuery(event.target.value)} placeholder="What would a chat retrieve for…" />
        </label>
        <label className="inline-field">
          Top K
          <select value={topK} onChange={(event) => setTopK(Number(event.target.value))}>
            {[5, 10, 15, 20].map((count) => (
              <option key={count} value={count}>
                {count}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button primary" disabled={test.isPending}>
          Search
        </button>
      </form>
      {test.isError ? <ErrorNotice title="The search failed" error={test.error} /> : null}
      {test.data ? (
        <>
          <p className="muted small">
            {results.length} results · average {percent(test.data.stats.avg_score)} · best {percent(test.data.stats.max_score)} ·{' '}
            {test.data.stats.mode}
          </p>
          <ScoreHistogram scores={scores} />
          <ol className="retrieval-results">
            {results.map((result) => (
              <li key={result.chunk_id} className="passage-card">
                <div>
                  <strong>{result.document_name}</strong> <span className="muted small">chunk {result.chunk_index}</span>{' '}
                  <span className={result.score > 0.7 ? 'score high' : 'score'}>{percent(result.score)}</span>
                </div>
                <p className="muted small retrieval-ranks">
                  full text {result.full_text_rank === null ? '—' : `#${result.full_text_rank}`} · vector{' '}
                  {result.vector_rank === null ? '—' : `#${result.vector_rank}`}
                  {result.fused_score === null ? '' : ` · fused ${result.fused_score.toFixed(3)}`}
                </p>
                <p className="chunk-text">{result.text}</p>
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}
