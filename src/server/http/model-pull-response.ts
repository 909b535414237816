import type { PullView } from '../models/model-pulls.ts';

export function pullEventsUrl(modelName: string): string {
  return `/api/settings/models/pull/${encodeURIComponent(modelName)}/events`;
}

/** The 202 answer to a download request: the pull's state, the original's fields, and where to follow it. */
export function presentPullStart(pull: PullView, joined: boolean) {
  return {
    ...pull.progress,
    success: true as const,
    joined,
    message: joined ? `'${pull.modelName}' is already downloading; following that download` : `Downloading '${pull.modelName}'`,
    events_url: pullEventsUrl(pull.modelName),
  };
}
