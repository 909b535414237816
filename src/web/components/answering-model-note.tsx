import { useLlmStatus } from '../api/models.ts';
import { answeringModel } from '../lib/answering-model.ts';
import { Link, paths } from '../lib/router.tsx';

/**
 * Next to every question box: what will answer (the model, or quoted passages without one) and
 * whether search uses vectors. Live: the status is polled, so Ollama coming or going shows at once.
 */
export function AnsweringModelNote({ chatModel, projectModel }: { chatModel?: string | null; projectModel?: string | null }) {
  const status = useLlmStatus();
  // An older server without `models_in_use` cannot say; then nothing is claimed.
  if (!status.data?.models_in_use) return null;
  const answering = answeringModel(status.data, { chatModel, projectModel });
  const degraded = answering.model === null || !answering.vectorSearch;
  return (
    <p className={`answering-model small${degraded ? ' degraded' : ''}`} data-testid="answering-model" aria-live="polite">
      <span>{answering.text}</span>
      {degraded ? (
        <>
          {' '}
          <Link to={paths.models()}>Get a model</Link>
        </>
      ) : null}
    </p>
  );
}
