// The run's summary: a text table for the terminal, JSON for tools, Markdown for a
// GitHub job summary. All three come from the same rows.
import type { CellResult } from './run-cell.js';

export interface Summary {
  runId: string;
  compose: string;
  images: string;
  startedAt: string;
  durationSeconds: number;
  passed: number;
  failed: number;
  cells: CellResult[];
}

export function summarize(
  cells: CellResult[],
  meta: { runId: string; compose: string; images: string; startedAt: Date; finishedAt: Date },
): Summary {
  const passed = cells.filter((c) => c.ok).length;
  return {
    runId: meta.runId,
    compose: meta.compose,
    images: meta.images,
    startedAt: meta.startedAt.toISOString(),
    durationSeconds: round((meta.finishedAt.getTime() - meta.startedAt.getTime()) / 1000),
    passed,
    failed: cells.length - passed,
    cells,
  };
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

const HEADERS = [
  'app',
  'database',
  'storage',
  'build',
  'start → ready',
  'image size',
  'contract',
] as const;

function rows(summary: Summary): string[][] {
  return summary.cells.map((cell) => [
    cell.app,
    cell.database,
    cell.storage,
    formatSeconds(cell.buildSeconds),
    formatSeconds(cell.readySeconds),
    formatBytes(cell.imageBytes),
    resultText(cell),
  ]);
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
    `| ${HEADERS.map((_, i) => (i >= 3 && i <= 5 ? '---:' : '---')).join(' | ')} |`,
    ...body.map((row) => `| ${row.map(escapeMarkdown).join(' | ')} |`),
    '',
    `${summary.cells.length} cells in ${summary.durationSeconds}s with ${escapeMarkdown(summary.compose)}, ${summary.images} images (run \`${summary.runId}\`).`,
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
