import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTaggedReference, lintDockerfile } from '../src/docker-lint.js';

const good = readFileSync(join(import.meta.dirname, 'fixtures', 'good.Dockerfile'), 'utf8');
const rules = (text: string) => lintDockerfile(text).map((f) => f.rule);

/** The good file with one line replaced (or removed, with ''). */
function variant(from: string | RegExp, to: string): string {
  const out = good.replace(from, to);
  if (out === good) throw new Error(`variant: ${from} not found`);
  return out;
}

describe('parsing (dockerfile-ast) as the rules see it', () => {
  it('reports the line where a continued instruction starts', () => {
    // HEALTHCHECK spans lines 21-22 of the fixture, with flags before CMD.
    const text = good.replace(
      /HEALTHCHECK[\s\S]*?\n(?=CMD)/,
      'HEALTHCHECK --interval=10s \\\n  NONE\n',
    );
    expect(lintDockerfile(text)).toEqual([
      expect.objectContaining({ rule: 'healthcheck', line: 21 }),
    ]);
  });

  it('honours the escape directive and skips comments inside continuations', () => {
    const text = [
      '# escape=`',
      'ARG NODE_IMAGE=node:24-bookworm-slim',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a template
      'FROM ${NODE_IMAGE}',
      'USER `',
      '  # the user, after a comment line',
      '  root',
      'EXPOSE 80',
      'HEALTHCHECK CMD true',
      'CMD ["node", `',
      '  "dist/server.js"]',
    ].join('\n');
    expect(lintDockerfile(text)).toEqual([
      expect.objectContaining({ rule: 'non-root-user', line: 4 }),
    ]);
  });

  it('reads the image after FROM flags, and VAR:-default defaults', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a template
    const from = 'FROM ${NODE_IMAGE}';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a template
    const withFlagAndDefault = 'FROM --platform=$BUILDPLATFORM ${NODE_IMAGE:-node:24}';
    const text = good
      .replace('ARG NODE_IMAGE=node:24-bookworm-slim', 'ARG NODE_IMAGE')
      .replaceAll(from, withFlagAndDefault);
    expect(lintDockerfile(text)).toEqual([]);
    expect(rules(text.replaceAll(':-node:24}', ':-node}'))).toEqual([
      'base-from-arg',
      'base-from-arg',
    ]);
  });

  it('takes exec form only from a JSON array of strings', () => {
    for (const cmd of ['CMD node x.js', "CMD ['node']", 'CMD [1]', 'CMD ["node"']) {
      expect(rules(variant('CMD ["node", "dist/server.js"]', cmd)), cmd).toEqual(['cmd-exec-form']);
    }
  });

  it('knows a tagged reference', () => {
    expect(isTaggedReference('node:24-bookworm-slim')).toBe(true);
    expect(isTaggedReference('registry:5000/node:24')).toBe(true);
    expect(isTaggedReference('node@sha256:abc')).toBe(true);
    expect(isTaggedReference('node')).toBe(false);
    expect(isTaggedReference('node:latest')).toBe(false);
    expect(isTaggedReference('registry:5000/node')).toBe(false);
  });
});

describe('lintDockerfile', () => {
  it('passes a Dockerfile that follows every rule', () => {
    expect(lintDockerfile(good)).toEqual([]);
  });

  it('base-from-arg: a literal base image', () => {
    const findings = lintDockerfile(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a template
      variant('FROM ${NODE_IMAGE} AS build', 'FROM node:24 AS build'),
    );
    expect(findings).toEqual([expect.objectContaining({ rule: 'base-from-arg', line: 5 })]);
  });

  it('base-from-arg: an ARG without default, or an untagged default', () => {
    expect(rules(variant('ARG NODE_IMAGE=node:24-bookworm-slim', 'ARG NODE_IMAGE'))).toEqual([
      'base-from-arg',
      'base-from-arg',
    ]);
    expect(lintDockerfile(variant('=node:24-bookworm-slim', '=node'))[0]?.message).toMatch(
      /the default "node" must carry a tag/,
    );
    expect(rules(variant('=node:24-bookworm-slim', '=node:latest'))).toContain('base-from-arg');
  });

  it('base-from-arg: an ARG declared inside a stage does not count', () => {
    const text =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile syntax, not a template
      'FROM scratch AS a\nARG IMG=node:24\nFROM ${IMG}\nUSER node\nEXPOSE 80\nHEALTHCHECK CMD true\nCMD ["node"]\n';
    expect(rules(text)).toEqual(['base-from-arg']);
  });

  it('non-root-user: missing USER, or root', () => {
    expect(rules(variant('USER node\n', ''))).toEqual(['non-root-user']);
    expect(rules(variant('USER node', 'USER root'))).toEqual(['non-root-user']);
    expect(rules(variant('USER node', 'USER 0:0'))).toEqual(['non-root-user']);
    expect(rules(variant('USER node', 'USER 1000:1000'))).toEqual([]);
  });

  it('non-root-user: a USER of the build stage does not reach the runtime stage', () => {
    const text = variant('USER node\n', '').replace('WORKDIR /repo', 'WORKDIR /repo\nUSER node');
    expect(rules(text)).toEqual(['non-root-user']);
  });

  it('follows a final stage built FROM an earlier stage', () => {
    const text = `${good}\nFROM runtime AS final\nENV X=1\n`;
    expect(lintDockerfile(text)).toEqual([]);
  });

  it('cmd-exec-form: shell form or no CMD', () => {
    expect(rules(variant('CMD ["node", "dist/server.js"]', 'CMD node dist/server.js'))).toEqual([
      'cmd-exec-form',
    ]);
    expect(rules(variant('CMD ["node", "dist/server.js"]', 'CMD ["npm", "start"]'))).toEqual([]);
    expect(rules(variant('CMD ["node", "dist/server.js"]', ''))).toEqual(['cmd-exec-form']);
  });

  it('no-server-entrypoint: only an init wrapper may be the ENTRYPOINT', () => {
    expect(rules(variant('USER node', 'USER node\nENTRYPOINT ["node", "dist/server.js"]'))).toEqual(
      ['no-server-entrypoint'],
    );
    expect(rules(variant('USER node', 'USER node\nENTRYPOINT npm start'))).toEqual([
      'no-server-entrypoint',
    ]);
    expect(rules(variant('USER node', 'USER node\nENTRYPOINT ["/usr/bin/tini", "--"]'))).toEqual(
      [],
    );
    expect(
      rules(variant('USER node', 'USER node\nENTRYPOINT ["tini", "--", "node", "x.js"]')),
    ).toEqual(['no-server-entrypoint']);
  });

  it('expose-port: EXPOSE 80 (or the port asked for)', () => {
    expect(rules(variant('EXPOSE 80', 'EXPOSE 8000'))).toEqual(['expose-port']);
    expect(rules(variant('EXPOSE 80', 'EXPOSE 80/tcp'))).toEqual([]);
    expect(lintDockerfile(variant('EXPOSE 80', 'EXPOSE 8000'), { port: 8000 })).toEqual([]);
  });

  it('healthcheck: missing or NONE', () => {
    const without = good.replace(/HEALTHCHECK[\s\S]*?\n(?=CMD)/, '');
    expect(rules(without)).toEqual(['healthcheck']);
    expect(
      rules(without.replace('CMD ["node", "dist', 'HEALTHCHECK NONE\nCMD ["node", "dist')),
    ).toEqual(['healthcheck']);
  });

  it('reports every broken rule of a bad Dockerfile with its line', () => {
    const bad = 'FROM node\nCOPY . .\nENTRYPOINT ["npm", "start"]\n';
    expect(lintDockerfile(bad)).toEqual([
      expect.objectContaining({ rule: 'base-from-arg', line: 1 }),
      expect.objectContaining({ rule: 'non-root-user', line: 1 }),
      expect.objectContaining({ rule: 'cmd-exec-form', line: 1 }),
      expect.objectContaining({ rule: 'no-server-entrypoint', line: 3 }),
      expect.objectContaining({ rule: 'expose-port', line: 1 }),
      expect.objectContaining({ rule: 'healthcheck', line: 1 }),
    ]);
  });
});
