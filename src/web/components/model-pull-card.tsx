import { useCancelPull, type TrackedPull } from '../api/models.ts';
import { errorMessage } from '../lib/api.ts';
import { formatBytes } from '../lib/format.ts';
import { ProgressBar } from './feedback.tsx';

/** "1.2 GB of 4.7 GB · 12 MB/s"; bytes are unknown until Ollama has named the layers. */
export function describePullBytes(pull: TrackedPull): string {
  const parts: string[] = [];
  if (pull.total > 0) parts.push(`${formatBytes(pull.completed)} of ${formatBytes(pull.total)}`);
  if (!pull.done && pull.bytesPerSecond !== null && pull.bytesPerSecond > 0) parts.push(`${formatBytes(pull.bytesPerSecond)}/s`);
  return parts.join(' · ');
}

function outcome(pull: TrackedPull): { text: string; tone: 'success' | 'danger' | null } {
  if (!pull.done) return { text: pull.status, tone: null };
  if (pull.status === 'success') return { text: 'Downloaded: it is now offered in the model pickers', tone: 'success' };
  if (pull.status === 'cancelled') return { text: 'Cancelled', tone: 'danger' };
  return { text: pull.error ?? 'The download failed', tone: 'danger' };
}

/** One model download: a labelled progress bar with percent, bytes, speed and Ollama's status, and Cancel. */
export function ModelPullCard({ pull, compact = false }: { pull: TrackedPull; compact?: boolean }) {
  const cancel = useCancelPull();
  const { text, tone } = outcome(pull);
  const percent = Math.floor(pull.percent);
  const measured = pull.total > 0 || pull.done;
  const bytes = describePullBytes(pull);
  return (
    <div
      className={`model-pull${compact ? ' compact' : ''}`}
      data-model={pull.model_name}
      data-status={pull.done ? pull.status : 'running'}
    >
      <div className="model-pull-head">
        <strong className="model-pull-name">{pull.model_name}</strong>
        <span className="model-pull-percent" aria-hidden="true">
          {measured ? `${percent}%` : ''}
        </span>
        {!pull.done ? (
          <button
            type="button"
            className="button small"
            onClick={() => cancel.mutate(pull.model_name)}
            disabled={cancel.isPending}
            aria-label={`Cancel the download of ${pull.model_name}`}
          >
            {cancel.isPending ? 'Cancelling…' : 'Cancel'}
          </button>
        ) : null}
      </div>
      <ProgressBar
        value={measured ? (pull.done && pull.status === 'success' ? 100 : pull.percent) : null}
        label={`Downloading ${pull.model_name}: ${measured ? `${percent}%` : 'starting'}${bytes ? `, ${bytes}` : ''}`}
        tone={tone ?? 'accent'}
      />
      <p className={`model-pull-status small${tone === 'danger' ? ' error' : ''}`} role={pull.done ? 'status' : undefined}>
        {bytes ? <span>{bytes}</span> : null}
        <span className="muted">{text}</span>
      </p>
      {cancel.error ? (
        <p className="form-error small" role="alert">
          {errorMessage(cancel.error)}
        </p>
      ) : null}
    </div>
  );
}
