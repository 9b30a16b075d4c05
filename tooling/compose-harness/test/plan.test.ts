import { describe, expect, it } from 'vitest';
import { DATABASES, STORAGES } from '../src/manifest.js';
import { cellLabel, githubMatrix, planCells } from '../src/plan.js';
import { manifest } from './helpers.js';

const apps = [
  manifest({ name: 'express' }),
  manifest({ name: 'fastify', framework: 'fastify' }),
  manifest({ name: 'koa', framework: 'koa' }),
];

describe('planCells', () => {
  it('full: every app x database x storage', () => {
    const cells = planCells(apps, { coverage: 'full' });
    expect(cells).toHaveLength(18);
    expect(new Set(cells.map((c) => c.id)).size).toBe(18);
    expect(cells[0]?.id).toBe('express-postgres-file');
  });

  it('minimal: each app meets each database and each storage, in max(#db, #storage) cells', () => {
    const cells = planCells(apps, { coverage: 'minimal' });
    expect(cells).toHaveLength(9);
    for (const app of apps) {
      const own = cells.filter((c) => c.app.name === app.name);
      expect(own).toHaveLength(3);
      expect(new Set(own.map((c) => c.database))).toEqual(new Set(DATABASES));
      expect(new Set(own.map((c) => c.storage))).toEqual(new Set(STORAGES));
    }
    // Rotated pairings: across apps, every combination still runs somewhere.
    expect(new Set(cells.map((c) => `${c.database}-${c.storage}`)).size).toBe(6);
  });

  it('complement: exactly the cells of full that minimal leaves out', () => {
    const ids = (coverage: 'minimal' | 'full' | 'complement') =>
      planCells(apps, { coverage }).map((c) => c.id);
    const complement = ids('complement');
    expect(complement).toHaveLength(9);
    expect(complement.filter((id) => ids('minimal').includes(id))).toEqual([]);
    expect([...ids('minimal'), ...complement].sort()).toEqual(ids('full').sort());
  });

  it('minimal respects what an app declares', () => {
    const onlyPg = manifest({ name: 'pgonly', databases: ['postgres'], storage: ['file', 's3'] });
    expect(planCells([onlyPg], { coverage: 'minimal' }).map((c) => c.id)).toEqual([
      'pgonly-postgres-file',
      'pgonly-postgres-s3',
    ]);
  });

  it('filters select cells, and the coverage applies within them', () => {
    const cells = planCells(apps, {
      coverage: 'full',
      filters: { apps: ['koa'], databases: ['mysql'] },
    });
    expect(cells.map((c) => c.id)).toEqual(['koa-mysql-file', 'koa-mysql-s3', 'koa-mysql-azure']);
    const one = planCells(apps, {
      coverage: 'minimal',
      filters: { apps: ['express'], databases: ['postgres'], storages: ['azure'] },
    });
    expect(one.map((c) => c.id)).toEqual(['express-postgres-azure']);
  });

  it('names unknown filter values', () => {
    expect(() => planCells(apps, { coverage: 'full', filters: { apps: ['rails'] } })).toThrow(
      '--app "rails": no such app (apps: express, fastify, koa)',
    );
    expect(() =>
      planCells(apps, { coverage: 'full', filters: { databases: ['oracle' as never] } }),
    ).toThrow('--db "oracle": unknown; choose from postgres, mysql');
    expect(() =>
      planCells(apps, { coverage: 'full', filters: { storages: ['gcs' as never] } }),
    ).toThrow('--storage "gcs"');
  });

  it('refuses an empty selection', () => {
    const pgOnly = manifest({ name: 'a', databases: ['postgres'] });
    expect(() =>
      planCells([pgOnly], { coverage: 'full', filters: { databases: ['mysql'] } }),
    ).toThrow(/select no cell/);
  });
});

describe('githubMatrix', () => {
  it('is an include list with one entry per cell', () => {
    const cells = planCells([apps[0] as (typeof apps)[number]], { coverage: 'minimal' });
    expect(githubMatrix(cells)).toEqual({
      include: [
        { app: 'express', db: 'postgres', storage: 'file', id: 'express-postgres-file' },
        { app: 'express', db: 'mysql', storage: 's3', id: 'express-mysql-s3' },
        { app: 'express', db: 'postgres', storage: 'azure', id: 'express-postgres-azure' },
      ],
    });
    expect(cellLabel(cells[0] as (typeof cells)[number])).toBe('express · postgres · file');
  });
});
