import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNeeded, buildStamp, nextBareProject, nextBareSpec } from '../src/next-bare.js';

describe('the bare Next.js build', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function project() {
    const dir = mkdtempSync(join(tmpdir(), 'next-bare-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'app', 'healthz'), { recursive: true });
    writeFileSync(join(dir, 'app', 'healthz', 'route.js'), 'export function GET() {}\n');
    return { ...nextBareProject(dir), dir };
  }

  it('is made when missing, when not made by the suite and when its sources change', () => {
    const p = project();
    expect(buildNeeded(p)).toBe('no build yet');
    mkdirSync(join(p.dir, '.next'));
    writeFileSync(join(p.dir, '.next', 'BUILD_ID'), 'x');
    expect(buildNeeded(p)).toBe('build not made by the suite');
    writeFileSync(join(p.dir, '.next', 'bench-build-stamp'), `${buildStamp(p)}\n`);
    expect(buildNeeded(p)).toBeUndefined();
    // The build's own output does not count as a source.
    writeFileSync(join(p.dir, '.next', 'trace'), 'y');
    expect(buildNeeded(p)).toBeUndefined();
    writeFileSync(join(p.dir, 'app', 'healthz', 'route.js'), 'export function GET() { }\n');
    expect(buildNeeded(p)).toBe('sources or versions changed');
  });

  it('starts with next start on 127.0.0.1, in production, ready on /healthz', () => {
    const spec = nextBareSpec(nextBareProject('/pkg'));
    expect(spec.cwd).toBe(join('/pkg', 'servers', 'next-bare'));
    expect(spec.args.slice(1)).toEqual(['start', '--hostname', '127.0.0.1']);
    expect(spec.args[0]).toMatch(/next[/\\]dist[/\\]bin[/\\]next$/);
    expect(spec.env.NODE_ENV).toBe('production');
    expect(spec.readyPath).toBe('/healthz');
  });
});
