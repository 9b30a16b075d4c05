// `divio-env check [--env-file FILE]... [--json]`
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseEnvFile } from './env-file.js';
import { DivioEnvError } from './errors.js';
import { toPublicJson } from './public-json.js';
import { readDivioEnv } from './read.js';
import type { EnvSource } from './types.js';

export const USAGE = `Usage: divio-env check [--env-file FILE]... [--json]

Reads the Divio environment (DATABASE_URL, DEFAULT_STORAGE_DSN, SECRET_KEY, DOMAIN, ...),
prints the resolved configuration as JSON (credentials shown as "***") and exits 0,
or prints every problem and exits 1.

Options:
  --env-file FILE  read a .env-local style file first; variables set (non-empty) in the
                   process environment override the file, as with docker compose.
                   May be repeated: later files override earlier ones.
  --json           print problems as JSON on stdout too ({"ok":false,"problems":[...]})
  -h, --help       show this help

Exit status: 0 valid, 1 invalid configuration, 2 usage error or unreadable file.`;

/** Node's own parser: `--env-file FILE` and `--env-file=FILE`, repeatable; strict, so an
 * unknown option or an `--env-file` without its file is an error. */
function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'env-file': { type: 'string', multiple: true },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export interface CliIo {
  env?: EnvSource;
  cwd?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export async function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => process.stderr.write(text));
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // parseArgs' own errors (unknown option, option without its value) are usage errors.
    // Its first sentence names the problem; the hints after it (`-- "--x"` for positionals)
    // do not apply to this CLI.
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    const problem = (error as Error).message.split(/\.\s/)[0];
    err(`divio-env: ${problem}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    out(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'check' || extra.length > 0) {
    const problem =
      command === undefined
        ? 'missing command'
        : command !== 'check'
          ? `unknown command "${command}"`
          : `unexpected argument "${extra[0]}"`;
    err(`divio-env: ${problem}\n\n${USAGE}\n`);
    return 2;
  }
  const envFiles = values['env-file'] ?? [];
  const json = values.json ?? false;
  if (envFiles.includes('')) {
    err(`divio-env: --env-file needs a file name\n\n${USAGE}\n`);
    return 2;
  }

  const processEnv = io.env ?? process.env;
  const warnings: string[] = [];
  try {
    const merged: Record<string, string | undefined> = {};
    for (const file of envFiles) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        err(`divio-env: cannot read env file ${file} (${code})\n`);
        return 2;
      }
      Object.assign(merged, parseEnvFile(text, file));
    }
    for (const [key, value] of Object.entries(processEnv)) {
      if (value !== undefined && value.trim() !== '') merged[key] = value;
      else if (!(key in merged)) merged[key] = value;
    }
    const options = { onWarning: (message: string) => warnings.push(message) };
    const env = readDivioEnv(merged, io.cwd === undefined ? options : { ...options, cwd: io.cwd });
    for (const warning of warnings) err(`${warning}\n`);
    out(`${JSON.stringify(toPublicJson(env), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DivioEnvError)) throw error;
    for (const warning of warnings) err(`${warning}\n`);
    if (json) out(`${JSON.stringify({ ok: false, problems: error.problems }, null, 2)}\n`);
    err(`${error.message}\n`);
    return 1;
  }
}
