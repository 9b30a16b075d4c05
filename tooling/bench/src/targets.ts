// The targets of issue 12, each judged on the medians of one run (ratios are taken between
// figures measured side by side in that run, so the machine's speed cancels out).
import type { AppResult, BenchReport } from './report.js';
import { ratio } from './stats.js';

export type Verdict = 'met' | 'not met' | 'not measured';

export interface TargetCheck {
  id: string;
  /** The target as the page states it. */
  label: string;
  value: number | undefined;
  /** How to print `value`. */
  unit: '×' | 'ms' | 'MB';
  verdict: Verdict;
  /** Why the verdict is "not measured" or has a caveat. */
  note?: string;
}

function atMost(value: number | undefined, limit: number): Verdict {
  if (value === undefined) return 'not measured';
  return value <= limit ? 'met' : 'not met';
}

function atLeast(value: number | undefined, limit: number): Verdict {
  if (value === undefined) return 'not measured';
  return value >= limit ? 'met' : 'not met';
}

/** The p99 target is stated at 50 connections; at any other count it is not judged. */
export const P99_CONNECTIONS = 50;

/**
 * A note when the bare framework alone is already over a limit: then no work in the app can
 * meet it, and the page says so next to the verdict.
 */
function bareNote(bare: number | undefined, limit: number, unit: string): { note?: string } {
  if (bare === undefined || Number.isNaN(bare) || bare <= limit) return {};
  return { note: `the bare framework alone: ${Math.round(bare)} ${unit}` };
}

/** A note when the bare driver baseline's own p99 is already over the limit on this machine. */
function baselineP99Note(baseline: number | undefined, limit: number): { note?: string } {
  if (baseline === undefined || Number.isNaN(baseline) || baseline <= limit) return {};
  return { note: `the node:http + pg baseline itself: ${Math.round(baseline)} ms` };
}

export function checkTargets(report: BenchReport, app: AppResult): TargetCheck[] {
  const healthz = ratio(app.healthz.rps, app.bareFramework?.rps);
  const media = ratio(app.media.rps, report.baseline.media.rps);
  const page = ratio(app.page.rps, report.baseline.page.rps);
  const p99 = app.media.p99Ms?.median;
  const p99Comparable = report.settings.connections === P99_CONNECTIONS;
  return [
    {
      id: 'healthz',
      label: '/healthz ≥ 0.75× bare framework',
      value: healthz,
      unit: '×',
      verdict: atLeast(healthz, 0.75),
      ...(app.bareFramework
        ? app.app === 'nextjs'
          ? { note: "answered by app-core in front of Next's router: says little" }
          : {}
        : { note: 'no bare framework figure in this run' }),
    },
    {
      id: 'media',
      label: 'GET /api/media ≥ 0.6× baseline',
      value: media,
      unit: '×',
      verdict: atLeast(media, 0.6),
    },
    {
      id: 'page',
      label: 'GET / ≥ 0.5× baseline',
      value: page,
      unit: '×',
      verdict: atLeast(page, 0.5),
    },
    {
      id: 'start',
      label: 'start → first /readyz 200 ≤ 300 ms',
      value: app.startMs?.median,
      unit: 'ms',
      verdict: atMost(app.startMs?.median, 300),
      ...bareNote(app.bareStartMs, 300, 'ms'),
    },
    {
      id: 'idle-rss',
      label: 'idle RSS ≤ 70 MB',
      value: app.idleRssMB?.median,
      unit: 'MB',
      verdict: atMost(app.idleRssMB?.median, 70),
      ...bareNote(app.bareIdleRssMB, 70, 'MB'),
    },
    {
      id: 'p99',
      label: `p99 of GET /api/media ≤ 20 ms at ${P99_CONNECTIONS} connections`,
      value: p99,
      unit: 'ms',
      verdict: p99Comparable ? atMost(p99, 20) : 'not measured',
      ...(p99Comparable
        ? baselineP99Note(report.baseline.media.p99Ms?.median, 20)
        : { note: `ran at ${report.settings.connections} connections, not ${P99_CONNECTIONS}` }),
    },
  ];
}
