// `pnpm export-example <app> <dir> [--force]` (root package.json): writes one sample app as a
// standalone repository. Runs on Node's type stripping, so it needs no build step.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EXPORTABLE, planExport, writeExport } from './export.ts';

const usage = `usage: pnpm export-example <app> <dir> [--force]
  app:     ${Object.keys(EXPORTABLE).join(', ')}
  --force  write into a non-empty directory (replaces the export's own files, deletes nothing)`;

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

try {
  const { values, positionals } = parseArgs({
    options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(usage);
  } else {
    const [app, dir] = positionals;
    if (!app || !dir || positionals.length > 2) throw new Error(`expected <app> <dir>\n${usage}`);
    // pnpm runs root scripts in the workspace root; a relative <dir> means the caller's cwd.
    const target = resolve(process.env.INIT_CWD ?? process.cwd(), dir);
    const plan = planExport(root, app);
    const written = writeExport(plan, target, { force: values.force });
    console.log(`exported ${app} to ${target} (${written.length} files)`);
    console.log(
      `next: cd ${target} && npm ci && npm run build && npm test && docker compose up --build`,
    );
  }
} catch (err) {
  console.error(`export-example: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
