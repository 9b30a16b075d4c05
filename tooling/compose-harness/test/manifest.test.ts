import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests, ManifestError, parseManifest } from '../src/manifest.js';
import { expressManifest, manifest, tempDir } from './helpers.js';

describe('parseManifest', () => {
  it('accepts the manifest documented in docs/contract.md', () => {
    const m = manifest();
    expect(m).toMatchObject({
      name: 'express',
      framework: 'express',
      port: 80,
      health: { liveness: '/healthz', readiness: '/readyz' },
      release: ['node', 'dist/migrate.js'],
      databases: ['postgres', 'mysql'],
      storage: ['file', 's3', 'azure'],
    });
    expect(Object.isFrozen(m)).toBe(true);
  });

  it('puts the axes in canonical order', () => {
    const m = manifest({ databases: ['mysql', 'postgres'], storage: ['azure', 'file'] });
    expect(m.databases).toEqual(['postgres', 'mysql']);
    expect(m.storage).toEqual(['file', 'azure']);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['an unknown field', { databse: ['postgres'] }, /unknown field "databse"/],
    [
      'an unknown database',
      { databases: ['postgres', 'oracle'] },
      /"databases\[1\]" is "oracle"; allowed: postgres, mysql/,
    ],
    ['an empty storage list', { storage: [] }, /"storage" must NOT have fewer than 1 items/],
    ['a duplicate', { storage: ['s3', 's3'] }, /"storage" must NOT have duplicate items/],
    ['a port out of range', { port: 70000 }, /"port" must be <= 65535, got 70000/],
    ['a fractional port', { port: 80.5 }, /"port" must be integer, got 80.5/],
    [
      'a relative health path',
      { health: { liveness: 'healthz', readiness: '/readyz' } },
      /"health.liveness" must match pattern .*, got "healthz"/,
    ],
    [
      'a missing readiness path',
      { health: { liveness: '/healthz' } },
      /"health.readiness" is missing/,
    ],
    [
      'a shell-form release command',
      { release: 'node dist/migrate.js' },
      /"release" must be array, got "node dist\/migrate.js"/,
    ],
    ['a blank framework', { framework: ' ' }, /"framework" must match pattern/],
    ['an upper-case name', { name: 'Express' }, /"name" must match pattern .*, got "Express"/],
  ];
  for (const [what, overrides, message] of bad) {
    it(`rejects ${what}, naming the field`, () => {
      expect(() => manifest(overrides)).toThrow(message);
      expect(() => manifest(overrides)).toThrow(ManifestError);
    });
  }

  it('requires the name to be the directory name', () => {
    expect(() => parseManifest(expressManifest, 'apps/koa/sample.json', '/x', 'koa')).toThrow(
      'apps/koa/sample.json: "name" is "express" but the app directory is "koa"',
    );
  });

  it('rejects a non-object', () => {
    expect(() => parseManifest([], 's.json', '/x', 'x')).toThrow('s.json: must be object, got []');
  });

  it('lists every problem of a manifest at once', () => {
    const { framework: _, ...withoutFramework } = expressManifest;
    expect(() =>
      parseManifest({ ...withoutFramework, port: 0, extra: 1 }, 's.json', '/x', 'express'),
    ).toThrow(
      's.json: "framework" is missing; unknown field "extra"; "port" must be >= 1, got 0 (schema: sample.schema.json)',
    );
  });
});

describe('loadManifests', () => {
  it('reads every app, sorted, and names an app without a manifest', () => {
    const dir = tempDir();
    try {
      for (const name of ['koa', 'express']) {
        mkdirSync(join(dir.path, 'apps', name), { recursive: true });
        writeFileSync(
          join(dir.path, 'apps', name, 'sample.json'),
          JSON.stringify({ ...expressManifest, name }),
        );
      }
      expect(loadManifests(dir.path).map((m) => m.name)).toEqual(['express', 'koa']);
      expect(loadManifests(dir.path)[0]?.dir).toBe(join(dir.path, 'apps', 'express'));
      mkdirSync(join(dir.path, 'apps', 'fastify'));
      expect(() => loadManifests(dir.path)).toThrow('apps/fastify/sample.json: missing');
      writeFileSync(join(dir.path, 'apps', 'fastify', 'sample.json'), '{ nope');
      expect(() => loadManifests(dir.path)).toThrow(/apps\/fastify\/sample.json: not valid JSON/);
    } finally {
      dir.remove();
    }
  });
});
