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
    ['an empty storage list', { storage: [] }, /"storage" must be a non-empty array/],
    ['a duplicate', { storage: ['s3', 's3'] }, /"storage" lists "s3" twice/],
    [
      'a port out of range',
      { port: 70000 },
      /"port" must be an integer from 1 to 65535, got 70000/,
    ],
    [
      'a relative health path',
      { health: { liveness: 'healthz', readiness: '/readyz' } },
      /"health.liveness" must be a path/,
    ],
    [
      'a shell-form release command',
      { release: 'node dist/migrate.js' },
      /"release" must be a non-empty array/,
    ],
    ['a missing framework', { framework: '' }, /"framework" must be a non-empty string/],
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
    expect(() => parseManifest([], 's.json', '/x', 'x')).toThrow('s.json: must hold a JSON object');
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
