// Compares one request's observations across apps: every field any app reported, with
// `(absent)` where another did not; a field whose values are not all equal is a difference.
import type { Difference, Observation } from './types.js';

export const ABSENT = '(absent)';

export function compareObservations(
  request: string,
  byApp: Readonly<Record<string, Observation>>,
): Difference[] {
  const apps = Object.keys(byApp);
  const fields: string[] = [];
  const seen = new Set<string>();
  for (const app of apps) {
    for (const field of Object.keys(byApp[app] ?? {})) {
      if (!seen.has(field)) {
        seen.add(field);
        fields.push(field);
      }
    }
  }
  const differences: Difference[] = [];
  for (const field of fields) {
    const values: Record<string, string> = {};
    for (const app of apps) values[app] = byApp[app]?.[field] ?? ABSENT;
    if (new Set(Object.values(values)).size > 1) differences.push({ request, field, values });
  }
  return differences;
}
