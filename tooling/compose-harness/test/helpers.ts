import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppManifest, parseManifest } from '../src/manifest.js';

export const expressManifest = {
  name: 'express',
  framework: 'express',
  port: 80,
  health: { liveness: '/healthz', readiness: '/readyz' },
  release: ['node', 'dist/migrate.js'],
  databases: ['postgres', 'mysql'],
  storage: ['file', 's3', 'azure'],
};

export function manifest(overrides: Record<string, unknown> = {}, dir = '/apps/x'): AppManifest {
  const json = { ...expressManifest, ...overrides };
  return parseManifest(json, 'sample.json', dir, String(json.name));
}

export function tempDir(prefix = 'compose-harness-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes an executable shell script. */
export function script(dir: string, name: string, body: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}
