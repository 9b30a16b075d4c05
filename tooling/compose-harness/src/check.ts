// Static checks of every app, with no engine needed: its Dockerfile passes the lint,
// Compose accepts its docker-compose.yml (with every profile) and it follows the harness's
// conventions (checkComposeConfig), and its copies of the per-app files have not drifted
// from the other apps' (drift.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type ComposeCli, ComposeProject } from './compose.js';
import { EMULATORS, WEB_PORT_PROBE, WEB_PORT_VARIABLE } from './conventions.js';
import { lintDockerfile } from './docker-lint.js';
import { checkDrift } from './drift.js';
import { exec as defaultExec, type Exec, tail } from './exec.js';
import type { AppManifest } from './manifest.js';
import { checkComposeConfig, parseComposeConfig } from './override.js';

export interface CheckResult {
  app: string;
  check: 'dockerfile' | 'compose' | 'drift';
  ok: boolean;
  problems: string[];
  warnings: string[];
}

export function checkDockerfile(app: AppManifest, root: string): CheckResult {
  const file = join(app.dir, 'Dockerfile');
  const source = relative(root, file);
  if (!existsSync(file))
    return {
      app: app.name,
      check: 'dockerfile',
      ok: false,
      problems: [`${source}: missing`],
      warnings: [],
    };
  const findings = lintDockerfile(readFileSync(file, 'utf8'), { port: app.port });
  return {
    app: app.name,
    check: 'dockerfile',
    ok: findings.length === 0,
    problems: findings.map((f) => `${source}:${f.line} [${f.rule}] ${f.message}`),
    warnings: [],
  };
}

/** The drift check of every app (compared with the first app by name), one result each. */
export function checkDrifts(apps: readonly AppManifest[], root: string): CheckResult[] {
  const findings = checkDrift(apps, root);
  return apps.map((app) => {
    const problems = findings.filter((f) => f.app === app.name).map((f) => f.message);
    return { app: app.name, check: 'drift', ok: problems.length === 0, problems, warnings: [] };
  });
}

export async function checkCompose(
  app: AppManifest,
  root: string,
  cli: ComposeCli,
  options: { exec?: Exec; env?: Record<string, string> } = {},
): Promise<CheckResult> {
  const file = join(app.dir, 'docker-compose.yml');
  const source = relative(root, file);
  const result: CheckResult = {
    app: app.name,
    check: 'compose',
    ok: false,
    problems: [],
    warnings: [],
  };
  if (!existsSync(file)) {
    result.problems.push(`${source}: missing`);
    return result;
  }
  const profiles = [...new Set(Object.values(EMULATORS).map((e) => e.profile))];
  const project = new ComposeProject(
    cli,
    {
      name: `check-${app.name}`,
      files: [file],
      cwd: app.dir,
      profiles,
      // So the check can tell web's host port comes from WEB_PORT (see checkComposeConfig).
      env: { ...options.env, [WEB_PORT_VARIABLE]: WEB_PORT_PROBE },
    },
    options.exec ?? defaultExec,
  );
  const config = await project.run(['config'], { timeoutMs: 60_000 });
  if (config.code !== 0) {
    result.problems.push(
      `${source}: ${cli.display} config rejects it:\n${tail(config.stderr || config.stdout, 15)}`,
    );
    return result;
  }
  for (const problem of checkComposeConfig(
    parseComposeConfig(config.stdout, source),
    app,
    source,
  )) {
    (problem.level === 'error' ? result.problems : result.warnings).push(problem.message);
  }
  result.ok = result.problems.length === 0;
  return result;
}
