// The run's summary: a text table for the terminal, JSON for tools, Markdown for a
// GitHub job summary. All three come from the same rows.
import { type CellPhases, type CellResult, PHASE_KEYS } from './run-cell.js';

export interface Summary {
  runId: string;
  compose: string;
  images: string;
  startedAt: string;
  durationSeconds: number;
  passed: number;
  failed: number;
  /** The wall-clock seconds of the run divided by its cells (builds and waits included). */
  secondsPerCell: number;
  /** Per step, the mean seconds over the cells that ran it (see CellPhases). */
  meanPhases: CellPhases;
  /** Options the run was made with, as the summary line shows them (jobs, services). */
  settings?: Record<string, string | number>;
  cells: CellResult[];
}

export function summarize(
  cells: CellResult[],
  meta: {
    runId: string;
    compose: string;
    images: string;
    startedAt: Date;
    finishedAt: Date;
    settings?: Record<string, string | number>;
  },
): Summary {
  const passed = cells.filter((c) => c.ok).length;
  const durationSeconds = (meta.finishedAt.getTime() - meta.startedAt.getTime()) / 1000;
  return {
    runId: meta.runId,
    compose: meta.compose,
    images: meta.images,
    startedAt: meta.startedAt.toISOString(),
    durationSeconds: round(durationSeconds),
    passed,
    failed: cells.length - passed,
    secondsPerCell: cells.length === 0 ? 0 : round(durationSeconds / cells.length),
    meanPhases: meanPhases(cells),
    ...(meta.settings ? { settings: meta.settings } : {}),
    cells,
  };
}

/** Per step, the mean over the cells that have a figure for it. */
export function meanPhases(cells: readonly CellResult[]): CellPhases {
  const out: CellPhases = {};
  for (const key of PHASE_KEYS) {
    const values = cells
      .map((cell) => cell.phases?.[key])
      .filter((v): v is number => typeof v === 'number');
    if (values.length > 0) out[key] = round(values.reduce((a, b) => a + b, 0) / values.length);
  }
  return out;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

export function formatSeconds(value: number | undefined): string {
  return value === undefined ? '-' : `${value.toFixed(1)}s`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(0)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${bytes} B`;
}

export function resultText(cell: CellResult): string {
  const counts = cell.tests
    ? ` (${cell.tests.passed}/${cell.tests.passed + cell.tests.failed})`
    : '';
  if (cell.ok) return `passed${counts}`;
  if (cell.failedStep === 'interrupted') return `interrupted${counts}`;
  return `FAILED at ${cell.failedStep ?? 'unknown step'}${counts}`;
}

// The step columns: what CellPhases holds, under shorter names (`tests`: the contract
// suite's seconds; `cell`: the cell's total without the build).
const PHASE_HEADERS: ReadonlyArray<[keyof CellPhases, string]> = [
  ['up', 'up'],
  ['healthy', 'healthy'],
  ['migrate', 'migrate'],
  ['ready', 'ready'],
  ['contract', 'tests'],
  ['down', 'down'],
  ['total', 'cell'],
];

const HEADERS = [
  'app',
  'database',
  'storage',
  'build',
  ...PHASE_HEADERS.map(([, header]) => header),
  'image size',
  'contract',
] as const;

/** The columns holding seconds or sizes (right-aligned in Markdown). */
const NUMERIC = new Set(HEADERS.slice(3, -1).map((_, i) => i + 3));

function rows(summary: Summary): string[][] {
  return summary.cells.map((cell) => [
    cell.app,
    cell.database,
    cell.storage,
    formatSeconds(cell.buildSeconds),
    ...PHASE_HEADERS.map(([key]) => formatSeconds(cell.phases?.[key])),
    formatBytes(cell.imageBytes),
    resultText(cell),
  ]);
}

function footer(summary: Summary): string {
  const settings = Object.entries(summary.settings ?? {})
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
  const means = PHASE_HEADERS.filter(([key]) => summary.meanPhases[key] !== undefined)
    .map(([key, header]) => `${header} ${formatSeconds(summary.meanPhases[key])}`)
    .join(', ');
  return [
    `${summary.cells.length} cells in ${summary.durationSeconds}s, ${summary.secondsPerCell}s per cell${settings ? ` (${settings})` : ''}`,
    ...(means ? [`mean per cell: ${means}`] : []),
  ].join('\n');
}

export function renderTable(summary: Summary): string {
  const body = rows(summary);
  const widths = HEADERS.map((header, i) =>
    Math.max(header.length, ...body.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [
    line(HEADERS),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
    '',
    `${summary.passed} passed, ${summary.failed} failed, ${summary.cells.length} cells in ${summary.durationSeconds}s (${summary.compose}, ${summary.images} images)`,
    footer(summary),
  ].join('\n');
}

function escapeMarkdown(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function renderMarkdown(summary: Summary): string {
  const body = rows(summary);
  const lines = [
    `### Compose matrix: ${summary.failed === 0 ? '✅' : '❌'} ${summary.passed} passed, ${summary.failed} failed`,
    '',
    `| ${HEADERS.join(' | ')} |`,
    `| ${HEADERS.map((_, i) => (NUMERIC.has(i) ? '---:' : '---')).join(' | ')} |`,
    ...body.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`),
    '',
    `${summary.cells.length} cells in ${summary.durationSeconds}s with ${escapeMarkdown(summary.compose)}, ${summary.images} images (run \`${summary.runId}\`).`,
    '',
    escapeMarkdown(footer(summary).replace(/\n/g, '; ')),
  ];
  const failed = summary.cells.filter((c) => !c.ok);
  for (const cell of failed) {
    lines.push(
      '',
      `<details><summary>${cell.id}: failed at ${cell.failedStep ?? '?'}</summary>`,
      '',
      '```text',
      // A fence inside the text would end the block early.
      (cell.error ?? '').replace(/```/g, "'''").slice(0, 4000),
      '```',
      '',
      '</details>',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The JSON summary: everything but the collected container logs (they are in each cell's log file). */
export function renderJson(summary: Summary): string {
  return `${JSON.stringify(
    { ...summary, cells: summary.cells.map(({ logs: _logs, ...cell }) => cell) },
    null,
    2,
  )}\n`;
}
