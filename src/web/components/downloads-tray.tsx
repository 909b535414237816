import { useModelPulls } from '../hooks/use-model-pulls.ts';
import { Link, paths, useRoute } from '../lib/router.tsx';
import { ModelPullCard } from './model-pull-card.tsx';

/**
 * The model downloads that are running, on every page (a download takes minutes; the user goes on
 * working). The Settings page shows them in its Models section instead.
 */
export function DownloadsTray() {
  const route = useRoute();
  const running = useModelPulls().filter((pull) => !pull.done);
  if (running.length === 0 || route.name === 'settings') return null;
  return (
    <section className="downloads-tray" aria-label="Model downloads">
      {running.map((pull) => (
        <ModelPullCard key={pull.model_name} pull={pull} compact />
      ))}
      <Link to={paths.models()} className="small">
        Models in Settings
      </Link>
    </section>
  );
}
