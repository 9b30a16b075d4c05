// vitest global setup: starts the run with an empty results file and, after the last test
// file, prints the summary table (one row per app and scenario) and writes it as Markdown
// to .reports/faults-summary.md (the closing note of issue 11 pastes it).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_FILE, type ResultRow } from './results.js';

export function formatTable(rows: readonly ResultRow[]): string {
  const header = ['app', 'scenario', 'result', 'seconds', 'figures'];
  const body = rows.map((r) => [
    r.app,
    r.scenario,
    r.ok ? 'pass' : 'FAIL',
    (r.ms / 1000).toFixed(1),
    r.figures.replaceAll('|', '/'),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [
    line(header),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...body.map(line),
  ].join('\n');
}

export default function setup(): () => void {
  rmSync(RESULTS_FILE, { force: true });
  const started = Date.now();
  return () => {
    if (!existsSync(RESULTS_FILE)) return;
    const rows = readFileSync(RESULTS_FILE, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ResultRow)
      .sort((a, b) => a.scenario.localeCompare(b.scenario) || a.app.localeCompare(b.app));
    const table = formatTable(rows);
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const failed = rows.filter((r) => !r.ok).length;
    const text = `Fault suite: ${rows.length} rows, ${failed} failed, ${seconds} s\n\n${table}\n`;
    writeFileSync(join(RESULTS_FILE, '..', 'faults-summary.md'), text);
    console.log(`\n${text}`);
  };
}
