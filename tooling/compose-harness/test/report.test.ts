import { describe, expect, it } from 'vitest';
import { formatBytes, renderJson, renderMarkdown, renderTable, summarize } from '../src/report.js';
import type { CellResult } from '../src/run-cell.js';

const cells: CellResult[] = [
  {
    id: 'express-postgres-file',
    app: 'express',
    database: 'postgres',
    storage: 'file',
    ok: true,
    buildSeconds: 61.23,
    readySeconds: 9.87,
    phases: {
      up: 1.04,
      healthy: 3,
      migrate: 2.5,
      ready: 4.33,
      contract: 20,
      down: 2,
      total: 32.87,
    },
    imageBytes: 231_000_000,
    tests: { passed: 52, failed: 0, skipped: 0 },
    logFile: '/w/express-postgres-file.log',
  },
  {
    id: 'express-mysql-s3',
    app: 'express',
    database: 'mysql',
    storage: 's3',
    ok: false,
    failedStep: 'migrate',
    error: 'release command: exited with code 1 | ```',
    buildSeconds: 61.23,
    phases: { up: 2, healthy: 5, migrate: 1, down: 3, total: 11 },
    imageBytes: 231_000_000,
    logs: 'web_1 | secret logs stay out of JSON',
    logFile: '/w/express-mysql-s3.log',
  },
];
const summary = summarize(cells, {
  runId: 'ch-1',
  compose: 'docker-compose 1.29.2',
  images: 'local',
  startedAt: new Date('2026-11-27T05:00:00Z'),
  finishedAt: new Date('2026-11-27T05:02:05.5Z'),
  settings: { jobs: 2 },
});

describe('report', () => {
  it('summarizes counts and duration', () => {
    expect(summary).toMatchObject({ passed: 1, failed: 1, durationSeconds: 125.5 });
    expect(summary.secondsPerCell).toBe(62.8);
    // A mean over the cells that ran the step: the failed cell never reached ready.
    expect(summary.meanPhases).toEqual({
      up: 1.5,
      healthy: 4,
      migrate: 1.8,
      ready: 4.3,
      contract: 20,
      down: 2.5,
      total: 21.9,
    });
  });

  it('renders an aligned text table', () => {
    expect(renderTable(summary)).toBe(
      [
        'app      database  storage  build  up    healthy  migrate  ready  tests  down  cell   image size  contract',
        '-------  --------  -------  -----  ----  -------  -------  -----  -----  ----  -----  ----------  -----------------',
        'express  postgres  file     61.2s  1.0s  3.0s     2.5s     4.3s   20.0s  2.0s  32.9s  231 MB      passed (52/52)',
        'express  mysql     s3       61.2s  2.0s  5.0s     1.0s     -      -      3.0s  11.0s  231 MB      FAILED at migrate',
        '',
        '1 passed, 1 failed, 2 cells in 125.5s (docker-compose 1.29.2, local images)',
        '2 cells in 125.5s, 62.8s per cell (jobs 2)',
        'mean per cell: up 1.5s, healthy 4.0s, migrate 1.8s, ready 4.3s, tests 20.0s, down 2.5s, cell 21.9s',
      ].join('\n'),
    );
  });

  it('renders Markdown for a job summary, with the failure folded', () => {
    const md = renderMarkdown(summary);
    expect(md).toContain('### Compose matrix: ❌ 1 passed, 1 failed');
    expect(md).toContain(
      '| app | database | storage | build | up | healthy | migrate | ready | tests | down | cell | image size | contract |',
    );
    expect(md).toContain(
      '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    );
    expect(md).toContain(
      '| express | postgres | file | 61.2s | 1.0s | 3.0s | 2.5s | 4.3s | 20.0s | 2.0s | 32.9s | 231 MB | passed (52/52) |',
    );
    expect(md).toContain('62.8s per cell (jobs 2); mean per cell: up 1.5s');
    expect(md).toContain('<details><summary>express-mysql-s3: failed at migrate</summary>');
    // A pipe in a cell is escaped; a fence in an error cannot close the block.
    expect(md).toContain("release command: exited with code 1 | '''");
  });

  it('renders JSON without the collected container logs', () => {
    const json = JSON.parse(renderJson(summary));
    expect(json.cells).toHaveLength(2);
    expect(json.cells[1]).toMatchObject({
      failedStep: 'migrate',
      logFile: '/w/express-mysql-s3.log',
    });
    expect(JSON.stringify(json)).not.toContain('secret logs');
  });

  it('formats sizes', () => {
    expect(formatBytes(undefined)).toBe('-');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500_000_000)).toBe('1.50 GB');
  });
});
