// `divio-env check [--env-file FILE]... [--json]`
import { readFileSync } from 'node:fs';
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

export interface CliIo {
  env?: EnvSource;
  cwd?: string;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export async function main(argv: readonly string[], io: CliIo = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => process.stderr.write(text));
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    out(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'check') {
    err(
      `divio-env: ${command === undefined ? 'missing command' : `unknown command "${command}"`}\n\n${USAGE}\n`,
    );
    return 2;
  }
  const envFiles: string[] = [];
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '-h' || arg === '--help') {
      out(`${USAGE}\n`);
      return 0;
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--env-file' || arg.startsWith('--env-file=')) {
      const file = arg === '--env-file' ? rest[++i] : arg.slice('--env-file='.length);
      if (file === undefined || file === '') {
        err(`divio-env: --env-file needs a file name\n\n${USAGE}\n`);
        return 2;
      }
      envFiles.push(file);
    } else {
      err(`divio-env: unknown option "${arg}"\n\n${USAGE}\n`);
      return 2;
    }
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
