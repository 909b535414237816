import type { ProjectResponse } from '../../protocol/rest.ts';
import { projectSettings } from '../api/projects.ts';
import { CHOICE_SETTINGS, MODEL_SETTINGS, NUMBER_SETTINGS, type ProjectOverrideKey } from './setting-fields.ts';

export type ProjectOverrides = Partial<Record<ProjectOverrideKey, string | number>>;

/**
 * The overrides a project has set. `settings` also holds other keys (folder_path); a value of the
 * wrong type is left out, as the server ignores it too (the global value applies).
 */
export function projectOverrides(project: ProjectResponse): ProjectOverrides {
  const stored = projectSettings(project);
  const overrides: ProjectOverrides = {};
  for (const spec of MODEL_SETTINGS) {
    const value = stored[spec.override];
    if (typeof value === 'string' && value) overrides[spec.override] = value;
  }
  for (const spec of NUMBER_SETTINGS) {
    const value = stored[spec.override];
    if (typeof value === 'number' && Number.isFinite(value)) overrides[spec.override] = value;
  }
  for (const spec of CHOICE_SETTINGS) {
    const value = stored[spec.override];
    if (typeof value === 'string' && spec.choices.some((choice) => choice.value === value)) overrides[spec.override] = value;
  }
  return overrides;
}

/** "chunk size 500, top-k 8", in the dialog's order; empty when nothing is overridden. */
export function overridesSummary(overrides: ProjectOverrides): string {
  return [...MODEL_SETTINGS, ...NUMBER_SETTINGS, ...CHOICE_SETTINGS]
    .filter((spec) => overrides[spec.override] !== undefined)
    .map((spec) => `${spec.short} ${overrides[spec.override]}`)
    .join(', ');
}

/**
 * The `settings` body for `PUT /api/projects/{id}`: only the keys that changed, `null` for an
 * override that was cleared (the server removes it).
 */
export function overrideChanges(
  before: ProjectOverrides,
  after: ProjectOverrides,
): Partial<Record<ProjectOverrideKey, string | number | null>> {
  const changes: Partial<Record<ProjectOverrideKey, string | number | null>> = {};
  for (const spec of [...MODEL_SETTINGS, ...NUMBER_SETTINGS, ...CHOICE_SETTINGS]) {
    const key = spec.override;
    if (before[key] === after[key]) continue;
    changes[key] = after[key] ?? null;
  }
  return changes;
}
