// Turns a BenchReport into the page (docs/benchmarks.md), its chart (an SVG written by this
// code, so no figure on the page is typed by hand) and the table printed after a run.
import { APPS, type AppResult, type BenchReport, type Load } from './report.js';
import { ratio, type Summary } from './stats.js';
import { checkTargets, type TargetCheck, type Verdict } from './targets.js';

/** `12.3k`, `950`, `1.2`: compact, with the precision the spread of a busy machine allows. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 10_000) return `${(value / 1000).toFixed(1)}k`;
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `median (min–max)`, or `n/a`. */
export function formatSummary(summary: Summary | undefined, unit = ''): string {
  if (!summary) return 'n/a';
  // Ten seconds and more read better in seconds than as `14.1k ms`.
  if (unit === ' ms' && summary.median >= 10_000) {
    const s = (v: number) => v / 1000;
    return formatSummary(
      {
        ...summary,
        median: s(summary.median),
        min: s(summary.min),
        max: s(summary.max),
        q1: s(summary.q1),
        q3: s(summary.q3),
      },
      ' s',
    );
  }
  const median = `${formatNumber(summary.median)}${unit}`;
  if (summary.n < 2) return median;
  return `${median} (${formatNumber(summary.min)}–${formatNumber(summary.max)})`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function formatRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}×`;
}

const MARK: Record<Verdict, string> = {
  met: '✅ met',
  'not met': '❌ not met',
  'not measured': '– not measured',
};

function formatCheck(check: TargetCheck): string {
  const value =
    check.value === undefined
      ? 'n/a'
      : check.unit === '×'
        ? formatRatio(check.value)
        : `${formatNumber(check.value)} ${check.unit}`;
  return `${value} ${MARK[check.verdict]}${check.note ? ` (${check.note})` : ''}`;
}

function loadCell(load: Load | undefined): string {
  if (!load) return 'n/a';
  const failures = load.non2xx + load.errors;
  return `${formatSummary(load.rps)}${failures > 0 ? ` ⚠ ${failures} failed` : ''}`;
}

/** ` (bare 120 ms)`: the bare framework's own figure, when it was measured. */
function bareFloor(value: number | undefined, unit: string): string {
  return value === undefined || Number.isNaN(value) ? '' : ` (bare ${formatNumber(value)}${unit})`;
}

function appRow(report: BenchReport, app: AppResult): string[] {
  const healthz = ratio(app.healthz.rps, app.bareFramework?.rps);
  const media = ratio(app.media.rps, report.baseline.media.rps);
  const page = ratio(app.page.rps, report.baseline.page.rps);
  return [
    app.app,
    loadCell(app.bareFramework),
    `${loadCell(app.healthz)} (${formatRatio(healthz)})`,
    `${loadCell(app.media)} (${formatRatio(media)})`,
    formatSummary(app.media.p99Ms, ' ms'),
    `${loadCell(app.page)} (${formatRatio(page)})`,
    `${formatSummary(app.startMs, ' ms')}${bareFloor(app.bareStartMs, ' ms')}`,
    `${formatSummary(app.idleRssMB, ' MB')}${bareFloor(app.bareIdleRssMB, ' MB')}`,
    formatSummary(app.peakRssMB, ' MB'),
  ];
}

const MAIN_HEADER = [
  'app',
  'bare framework /healthz req/s',
  'app /healthz req/s (× bare)',
  'app GET /api/media req/s (× baseline)',
  'GET /api/media p99',
  'app GET / req/s (× baseline)',
  'start → /readyz 200',
  'idle RSS',
  'peak RSS under load',
];

function markdownTable(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    line(align.map((a) => (a === 'r' ? '---:' : '---'))),
    ...rows.map(line),
  ].join('\n');
}

function uploadRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  for (const app of report.apps) {
    for (const upload of app.uploads) {
      rows.push([
        app.app,
        upload.backend,
        `${upload.mib} MiB`,
        upload.skipped
          ? `not measured: ${upload.skipped}`
          : formatSummary(upload.mibPerSecond, ' MiB/s'),
        upload.skipped ? '' : formatSummary(upload.peakRssMB, ' MB'),
      ]);
    }
  }
  return rows;
}

function imageRows(report: BenchReport): string[][] {
  return report.apps
    .filter((app) => app.image)
    .map((app) => {
      const image = app.image as NonNullable<AppResult['image']>;
      if (image.skipped) return [app.app, image.tag, `not measured: ${image.skipped}`, '', '', ''];
      return [
        app.app,
        image.tag,
        `${formatNumber(image.sizeMB)} MB`,
        `${image.baseImage}: ${formatNumber(image.baseSizeMB)} MB (+${formatNumber(image.sizeMB - image.baseSizeMB)} MB)`,
        image.coldBuildSeconds === undefined ? 'n/a' : `${formatNumber(image.coldBuildSeconds)} s`,
        image.warmBuildSeconds === undefined ? 'n/a' : `${formatNumber(image.warmBuildSeconds)} s`,
      ];
    });
}

export interface PageInputs {
  report: BenchReport;
  /** The hand-written "where the time goes" findings (words, no measured figures). */
  findings: string;
  /** Path of the chart relative to the page. */
  chartPath: string;
}

/** docs/benchmarks.md. */
export function renderMarkdown({ report, findings, chartPath }: PageInputs): string {
  const { machine, settings } = report;
  const [load1, load5, load15] = machine.loadAverage;
  const busy = load1 >= machine.cores;
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    '<!-- Generated by `pnpm bench` (tooling/bench) from tooling/bench/results/latest.json; do not edit by hand: `pnpm bench --render` rewrites it. -->',
  );
  out.push('');
  out.push(
    "What the shared stack costs each app, measured side by side in one run: every app's built server (`node dist/server.js`, `NODE_ENV=production`, the contract's environment with `STAGE=test`, PostgreSQL on 127.0.0.1, file storage, the access log on) against the bare framework's hello world (for Next.js, one route handler in a production build run by `next start`) and a bare `node:http` + `pg` server running the same query. How to run it and what each figure means: [tooling/bench](../tooling/bench/README.md).",
  );
  out.push('');
  out.push(`- **Date**: ${report.date}`);
  out.push(`- **Command**: \`${report.command}\``);
  out.push(
    `- **Machine**: ${machine.cpu}, ${machine.cores} cores, ${formatNumber(machine.memoryGB)} GB memory, ${machine.platform}`,
  );
  out.push(
    `- **Load average at start**: ${load1.toFixed(2)}, ${load5.toFixed(2)}, ${load15.toFixed(2)}${busy ? ` — a busy machine (more runnable work than its ${machine.cores} cores; other jobs were running), so absolute figures are low and noisy; the ratios, measured side by side, are the figures to read` : ''}`,
  );
  out.push(
    `- **Settings**: ${settings.connections} connections, ${settings.durationSeconds} s per measurement, ${plural(settings.runs, 'run')} of each (median, with min–max in brackets); uploads of ${settings.uploadMiB} MiB, ${plural(settings.uploadRuns, 'run')} of each`,
  );
  out.push(
    `- **Versions**: ${Object.entries(report.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
  );
  out.push('');
  out.push('## Results');
  out.push('');
  out.push(
    `Bare \`node:http\` hello world: ${loadCell(report.bareNode)} req/s. Baseline (\`node:http\` + \`pg\`): GET /api/media ${loadCell(report.baseline.media)} req/s (p99 ${formatSummary(report.baseline.media.p99Ms, ' ms')}), GET / ${loadCell(report.baseline.page)} req/s.`,
  );
  out.push('');
  out.push(
    markdownTable(
      MAIN_HEADER,
      report.apps.map((app) => appRow(report, app)),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  out.push(`![Each app as a fraction of its bare framework and of the baseline](${chartPath})`);
  out.push('');
  out.push('## Targets');
  out.push('');
  out.push('The targets of issue 12, judged on the medians above.');
  out.push('');
  const checksByApp = report.apps.map((app) => checkTargets(report, app));
  const labels = checksByApp[0]?.map((c) => c.label) ?? [];
  out.push(
    markdownTable(
      ['target', ...report.apps.map((a) => a.app)],
      labels.map((label, i) => [
        label,
        ...checksByApp.map((checks) => formatCheck(checks[i] as TargetCheck)),
      ]),
      ['l', ...report.apps.map(() => 'r' as const)],
    ),
  );
  out.push('');
  const uploads = uploadRows(report);
  out.push('## Uploads');
  out.push('');
  if (uploads.length === 0) out.push('Not measured in this run (`--upload-mib 0`).');
  else {
    out.push(
      "One multipart upload streamed into a fresh server per backend; peak RSS is that process's high-water mark (start included).",
    );
    out.push('');
    out.push(
      markdownTable(['app', 'backend', 'size', 'throughput', 'peak RSS'], uploads, [
        'l',
        'l',
        'r',
        'r',
        'r',
      ]),
    );
  }
  out.push('');
  const containers = report.apps.filter((app) => app.containerStartMs);
  if (containers.length > 0) {
    out.push('## Container start');
    out.push('');
    out.push(
      '`docker run` of the image (host network, same database) to the first 200 from /readyz.',
    );
    out.push('');
    out.push(
      markdownTable(
        ['app', 'container start → /readyz 200', 'built server start → /readyz 200'],
        containers.map((app) => [
          app.app,
          formatSummary(app.containerStartMs, ' ms'),
          formatSummary(app.startMs, ' ms'),
        ]),
        ['l', 'r', 'r'],
      ),
    );
    out.push('');
  }
  out.push('## Images');
  out.push('');
  const images = imageRows(report);
  if (images.length === 0) out.push('Not measured in this run (`--images` was not given).');
  else
    out.push(
      markdownTable(
        ['app', 'image', 'size', 'base image', 'build, cold cache', 'build, warm cache'],
        images,
        ['l', 'l', 'r', 'l', 'r', 'r'],
      ),
    );
  out.push('');
  const problems = report.apps.flatMap((app) => app.problems.map((p) => `- ${app.app}: ${p}`));
  if (problems.length > 0) {
    out.push('## Problems during the run');
    out.push('');
    out.push(...problems);
    out.push('');
  }
  out.push('## Where the time goes');
  out.push('');
  out.push(findings.trim());
  out.push('');
  return out.join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Bars of each app's ratios (healthz, media, page) with the targets as dashed lines. */
export function renderChartSvg(report: BenchReport): string {
  const series = [
    { label: '/healthz ÷ bare framework', target: 0.75, colour: '#4e79a7' },
    { label: 'GET /api/media ÷ baseline', target: 0.6, colour: '#f28e2b' },
    { label: 'GET / ÷ baseline', target: 0.5, colour: '#59a14f' },
  ];
  const apps = APPS.filter((name) => report.apps.some((a) => a.app === name)).map(
    (name) => report.apps.find((a) => a.app === name) as AppResult,
  );
  const values = apps.map((app) => [
    ratio(app.healthz.rps, app.bareFramework?.rps),
    ratio(app.media.rps, report.baseline.media.rps),
    ratio(app.page.rps, report.baseline.page.rps),
  ]);
  const maxValue = Math.max(1, ...values.flat().filter((v): v is number => v !== undefined));
  const scaleMax = Math.ceil(maxValue * 4) / 4;
  const width = 760;
  const left = 60;
  const right = 20;
  const top = 40;
  const plotHeight = 260;
  const bottom = 70;
  const height = top + plotHeight + bottom;
  const groupWidth = (width - left - right) / Math.max(1, apps.length);
  const barWidth = (groupWidth * 0.75) / series.length;
  const y = (v: number) => top + plotHeight - (v / scaleMax) * plotHeight;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<title>Each app as a fraction of its bare framework and of the baseline</title>`);
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(
    `<text x="${left}" y="20" font-size="14" font-weight="bold">Each app as a fraction of the bare framework / baseline (medians, ${escapeXml(report.date.slice(0, 10))})</text>`,
  );
  for (let tick = 0; tick <= scaleMax + 1e-9; tick += 0.25) {
    const ty = y(tick);
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${ty.toFixed(1)}" y2="${ty.toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${left - 6}" y="${(ty + 4).toFixed(1)}" text-anchor="end">${tick.toFixed(2)}×</text>`,
    );
  }
  apps.forEach((app, i) => {
    const groupX = left + i * groupWidth + groupWidth * 0.125;
    series.forEach((s, j) => {
      const value = values[i]?.[j];
      const x = groupX + j * barWidth;
      if (value === undefined) {
        parts.push(
          `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(0) - 4).toFixed(1)}" text-anchor="middle" fill="#888">n/a</text>`,
        );
      } else {
        parts.push(
          `<rect x="${x.toFixed(1)}" y="${y(value).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${(y(0) - y(value)).toFixed(1)}" fill="${s.colour}"><title>${escapeXml(`${app.app}: ${s.label} ${value.toFixed(2)}×`)}</title></rect>`,
          `<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(value) - 3).toFixed(1)}" text-anchor="middle" font-size="10">${value.toFixed(2)}</text>`,
        );
      }
      parts.push(
        `<line x1="${x.toFixed(1)}" x2="${(x + barWidth - 2).toFixed(1)}" y1="${y(s.target).toFixed(1)}" y2="${y(s.target).toFixed(1)}" stroke="#000" stroke-dasharray="3,2"/>`,
      );
    });
    parts.push(
      `<text x="${(left + (i + 0.5) * groupWidth).toFixed(1)}" y="${top + plotHeight + 18}" text-anchor="middle">${escapeXml(app.app)}</text>`,
    );
  });
  series.forEach((s, j) => {
    const lx = 20 + j * 245;
    const ly = top + plotHeight + 42;
    parts.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${s.colour}"/>`,
      `<text x="${lx + 16}" y="${ly}" font-size="11">${escapeXml(`${s.label} (target ${s.target}×)`)}</text>`,
    );
  });
  parts.push(
    `<text x="${left}" y="${height - 6}" fill="#555">Dashed lines: the targets. Higher is better.</text>`,
  );
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

/** The table printed at the end of a run. */
export function renderConsoleTable(report: BenchReport): string {
  const rows = [MAIN_HEADER, ...report.apps.map((app) => appRow(report, app))];
  const widths = MAIN_HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push('');
  lines.push(`bare node:http /healthz: ${loadCell(report.bareNode)} req/s`);
  lines.push(
    `baseline node:http + pg: GET /api/media ${loadCell(report.baseline.media)} req/s, GET / ${loadCell(report.baseline.page)} req/s`,
  );
  for (const app of report.apps) {
    const missed = checkTargets(report, app).filter((c) => c.verdict === 'not met');
    lines.push(
      `${app.app}: ${missed.length === 0 ? 'no target missed' : `missed ${missed.map((c) => c.label).join('; ')}`}`,
    );
  }
  return lines.join('\n');
}
