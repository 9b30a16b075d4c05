import { describe, expect, it } from 'vitest';
import {
  formatSummary,
  renderChartSvg,
  renderConsoleTable,
  renderMarkdown,
} from '../src/render.js';
import type { AppResult, BenchReport, Load } from '../src/report.js';
import { summarise } from '../src/stats.js';
import { checkTargets } from '../src/targets.js';

function load(rps: number[], p99: number[] = [5]): Load {
  return { rps: summarise(rps), p99Ms: summarise(p99), non2xx: 0, errors: 0 };
}

function app(overrides: Partial<AppResult> = {}): AppResult {
  return {
    app: 'koa',
    bareFramework: load([40_000, 42_000, 44_000]),
    healthz: load([16_000, 17_000, 18_000]),
    media: load([3_000, 3_100, 3_200], [30, 31, 35]),
    page: load([3_400]),
    startMs: summarise([500, 530, 560]),
    idleRssMB: summarise([96]),
    peakRssMB: summarise([120]),
    uploads: [
      { backend: 'file', mib: 200, mibPerSecond: summarise([150]), peakRssMB: summarise([110]) },
    ],
    problems: [],
    ...overrides,
  };
}

function report(apps: AppResult[] = [app()], connections = 50): BenchReport {
  return {
    date: '2026-12-07T02:00:00.000Z',
    command: 'pnpm bench --runs 3',
    machine: {
      cpu: 'Test CPU',
      cores: 2,
      memoryGB: 24,
      platform: 'linux x64',
      loadAverage: [9.5, 8, 7],
    },
    versions: { node: '24.22.3', koa: '3.3.0' },
    settings: { connections, durationSeconds: 6, runs: 3, uploadMiB: 200, uploadRuns: 1 },
    bareNode: load([72_000]),
    baseline: { media: load([6_300]), page: load([6_000]) },
    apps,
  };
}

describe('checkTargets', () => {
  it('judges each target on the medians, side by side', () => {
    const checks = Object.fromEntries(checkTargets(report(), app()).map((c) => [c.id, c]));
    expect(checks.healthz?.value).toBeCloseTo(17 / 42);
    expect(checks.healthz?.verdict).toBe('not met');
    expect(checks.media?.value).toBeCloseTo(3100 / 6300);
    expect(checks.page?.verdict).toBe('met'); // 3400 / 6000 = 0.57
    expect(checks.start?.verdict).toBe('not met');
    expect(checks['idle-rss']?.verdict).toBe('not met');
    expect(checks.p99?.verdict).toBe('not met');
  });

  it('notes when the bare framework alone is over the start or memory limit', () => {
    const over = app({ bareStartMs: 320, bareIdleRssMB: 68.6 });
    const checks = Object.fromEntries(checkTargets(report([over]), over).map((c) => [c.id, c]));
    expect(checks.start?.note).toBe('the bare framework alone: 320 ms');
    expect(checks['idle-rss']?.note).toBeUndefined(); // 68.6 MB is under 70 MB
    const heavier = app({ bareIdleRssMB: 75.2 });
    const [idle] = checkTargets(report([heavier]), heavier).filter((c) => c.id === 'idle-rss');
    expect(idle?.note).toBe('the bare framework alone: 75 MB');
    expect(idle?.verdict).toBe('not met');
  });

  it("notes when the baseline's own p99 is over the limit", () => {
    const slow = report();
    slow.baseline.media = load([6_300], [61, 68, 75]);
    const [p99] = checkTargets(slow, app()).filter((c) => c.id === 'p99');
    expect(p99?.note).toBe('the node:http + pg baseline itself: 68 ms');
    const [fast] = checkTargets(report(), app()).filter((c) => c.id === 'p99');
    expect(fast?.note).toBeUndefined();
  });

  it('shows the bare framework figures next to the start time and idle RSS', () => {
    const page = renderMarkdown({
      report: report([app({ bareStartMs: 120, bareIdleRssMB: 68.6 })]),
      findings: '',
      chartPath: 'chart.svg',
    });
    expect(page).toContain('(bare 120 ms)');
    expect(page).toContain('(bare 68.6 MB)');
  });

  it('does not judge p99 at another connection count, nor a ratio without its reference', () => {
    const { bareFramework: _, ...withoutBare } = app();
    const checks = Object.fromEntries(
      checkTargets(report([withoutBare], 10), withoutBare).map((c) => [c.id, c]),
    );
    expect(checks.p99?.verdict).toBe('not measured');
    expect(checks.p99?.note).toContain('10 connections');
    expect(checks.healthz?.verdict).toBe('not measured');
    expect(checks.healthz?.note).toBe('no bare framework figure in this run');
  });

  it('judges Next.js against its own bare framework like the others', () => {
    const next = app({
      app: 'nextjs',
      bareFramework: load([8_000, 9_000, 10_000]),
      healthz: load([11_000, 12_000, 13_000]),
    });
    const checks = Object.fromEntries(checkTargets(report([next]), next).map((c) => [c.id, c]));
    expect(checks.healthz?.value).toBeCloseTo(12 / 9);
    expect(checks.healthz?.verdict).toBe('met');
    // Its /healthz never reaches Next: the page says the ratio says little.
    expect(checks.healthz?.note).toContain("in front of Next's router");
    const [koa] = checkTargets(report(), app()).filter((c) => c.id === 'healthz');
    expect(koa?.note).toBeUndefined();
  });
});

describe('renderMarkdown', () => {
  const page = renderMarkdown({
    report: report(),
    findings: 'Most time is in X.',
    chartPath: 'chart.svg',
  });

  it('states the machine, the load, the versions, the date and the exact command', () => {
    expect(page).toContain('Test CPU, 2 cores, 24.0 GB memory');
    expect(page).toContain('9.50, 8.00, 7.00');
    expect(page).toContain('a busy machine');
    expect(page).toContain('koa 3.3.0');
    expect(page).toContain('2026-12-07T02:00:00.000Z');
    expect(page).toContain('`pnpm bench --runs 3`');
  });

  it("says what Next.js's bare framework is", () => {
    expect(page).toContain(
      'for Next.js, one route handler in a production build run by `next start`',
    );
  });

  it('shows medians with their spread, the ratios and the verdicts', () => {
    expect(page).toContain('| koa | 42.0k (40.0k–44.0k) | 17.0k (16.0k–18.0k) (0.40×) |');
    expect(page).toContain('0.40× ❌ not met');
    expect(page).toContain('0.57× ✅ met');
    expect(page).toContain('![Each app');
    expect(page).toContain('(chart.svg)');
    expect(page).toContain('| koa | file | 200 MiB | 150 MiB/s | 110 MB |');
    expect(page).toContain('Most time is in X.');
  });

  it('shows the container start and the images when they were measured', () => {
    const measured = renderMarkdown({
      report: report([
        app({
          containerStartMs: summarise([900, 1000, 1100]),
          image: {
            tag: 'divio-samples-bench/koa:latest',
            sizeMB: 353,
            baseImage: 'node:24-bookworm-slim',
            baseSizeMB: 310,
            coldBuildSeconds: 95,
            warmBuildSeconds: 2.5,
          },
        }),
      ]),
      findings: '',
      chartPath: 'c.svg',
    });
    expect(measured).toContain('| koa | 1000 ms (900–1100) | 530 ms (500–560) |');
    expect(measured).toContain(
      '| koa | divio-samples-bench/koa:latest | 353 MB | node:24-bookworm-slim: 310 MB (+43.0 MB) | 95.0 s | 2.50 s |',
    );
  });

  it('says what was not measured instead of leaving it out', () => {
    expect(page).toContain('`--images` was not given');
    const other = renderMarkdown({
      report: report([app({ problems: ['the server did not start'] })]),
      findings: '',
      chartPath: 'c.svg',
    });
    expect(other).toContain('- koa: the server did not start');
  });
});

describe('renderChartSvg and the console table', () => {
  it('draws one bar per known ratio, n/a for a missing one, and the targets', () => {
    const { bareFramework: _, ...withoutBare } = app({ app: 'nextjs' });
    const svg = renderChartSvg(report([app(), withoutBare]));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect [^>]*fill="#4e79a7"><title>/g)).toHaveLength(1);
    expect(svg).toContain('koa: /healthz ÷ bare framework 0.40×');
    expect(svg).toContain('>n/a<');
    expect(svg.match(/stroke-dasharray/g)).toHaveLength(6);
  });

  it("draws Next.js's /healthz bar when its bare framework was measured", () => {
    const next = app({ app: 'nextjs', bareFramework: load([9_000]), healthz: load([12_000]) });
    const svg = renderChartSvg(report([app(), next]));
    expect(svg.match(/<rect [^>]*fill="#4e79a7"><title>/g)).toHaveLength(2);
    expect(svg).toContain('nextjs: /healthz ÷ bare framework 1.33×');
    const table = renderConsoleTable(report([next]));
    expect(table).toContain('9000');
    expect(table).toContain('12.0k (1.33×)');
  });

  it('prints the table and the missed targets', () => {
    const table = renderConsoleTable(report());
    expect(table).toContain('koa');
    expect(table).toContain('missed /healthz ≥ 0.75× bare framework');
  });

  it('formats a single sample without a spread', () => {
    expect(formatSummary(summarise([1234]), ' ms')).toBe('1234 ms');
    expect(formatSummary(undefined)).toBe('n/a');
    expect(formatSummary(summarise([14_100, 12_000]), ' ms')).toBe('13.1 s (12.0–14.1)');
  });
});
