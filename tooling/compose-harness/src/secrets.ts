// The fault suite's "no secret in any image layer" check: the secrets a developer or the test
// machinery hands to the apps (.env-local, the contract's SECRET_KEY) must never end up in
// an image. Docker keeps every layer, so a file copied in and deleted later, a build argument
// or an ENV line would still ship: the scan reads `docker history --no-trunc` (the build
// steps) and the whole `docker save` stream (every layer's files and the image config).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AZURITE_EMULATOR, S3_EMULATOR } from './conventions.js';
import { exec as defaultExec, type Exec, tail } from './exec.js';
import type { AppManifest } from './manifest.js';

/** A value that must not appear in an image, and a name for it that is safe to print. */
export interface Needle {
  /** Where the value comes from (`apps/express/.env-local SECRET_KEY`), never the value. */
  name: string;
  value: string;
}

/** Variable names whose value is a secret in itself. */
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|(^|_)KEY$)/;

/**
 * Values that look like secrets but are public by design, so finding them proves nothing:
 * Azurite's well-known development account key is published by Microsoft and shipped in
 * the Azure SDK itself (@azure/storage-common's constants), which every app image contains;
 * s3rver's fixed credentials are in its documentation and in media-storage's README, which
 * the images carry.
 */
const PUBLIC_VALUES: ReadonlySet<string> = new Set([
  AZURITE_EMULATOR.accountKey,
  S3_EMULATOR.secretAccessKey,
]);

function percentDecoded(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Public by design, in either spelling (a DSN carries the key percent-encoded). */
function isPublic(value: string): boolean {
  return PUBLIC_VALUES.has(value) || PUBLIC_VALUES.has(percentDecoded(value));
}

/**
 * `KEY=value` lines of a dotenv-style file, commented-out ones included (`#KEY=value`): a
 * commented alternative is still a value a developer may uncomment and must not leak.
 */
export function envFileEntries(text: string): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  for (const raw of text.split(/\r?\n/)) {
    const match = /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(raw.trim());
    if (match?.[1] && match[2] !== undefined) entries.push([match[1], match[2].trim()]);
  }
  return entries;
}

/** The password of a URL-shaped value (`s3://KEY:SECRET@host`): decoded, and raw if different. */
function urlPasswords(value: string): Array<{ form: string; value: string }> {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  if (!url.password) return [];
  const decoded = percentDecoded(url.password);
  const forms = [{ form: 'password', value: decoded }];
  if (decoded !== url.password)
    forms.push({ form: 'password, percent-encoded', value: url.password });
  return forms;
}

/** The secrets of one env file: secret-named variables and the passwords inside URLs. */
export function secretsOfEnvFile(text: string, source: string): Needle[] {
  const needles: Needle[] = [];
  for (const [key, value] of envFileEntries(text)) {
    if (value === '') continue;
    if (SECRET_NAME.test(key)) needles.push({ name: `${source} ${key}`, value });
    for (const password of urlPasswords(value)) {
      needles.push({ name: `${source} ${key} (${password.form})`, value: password.value });
    }
  }
  return needles;
}

/**
 * Every secret the scan looks for: each app's .env-local and the contract's test secrets.
 * Deduplicated by value (the first name wins), public values left out.
 */
export function secretNeedles(
  root: string,
  apps: readonly AppManifest[],
  contractEnv: Readonly<Record<string, string>>,
): Needle[] {
  const needles: Needle[] = [];
  for (const app of apps) {
    const file = join(app.dir, '.env-local');
    if (existsSync(file)) {
      needles.push(
        ...secretsOfEnvFile(readFileSync(file, 'utf8'), file.slice(root.length + 1) || file),
      );
    }
  }
  const contractText = Object.entries(contractEnv)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  needles.push(...secretsOfEnvFile(contractText, 'the contract environment'));
  const seen = new Set<string>();
  return needles.filter((needle) => {
    if (isPublic(needle.value) || seen.has(needle.value)) return false;
    seen.add(needle.value);
    return true;
  });
}

/**
 * Finds byte strings in a stream that arrives in chunks. A match may straddle two chunks,
 * so the last (longest needle - 1) bytes of each chunk are kept and searched again with the
 * next one. Written here rather than taken from a library: Buffer#indexOf does the
 * searching, this only carries the overlap.
 */
export class StreamScanner {
  private readonly needles: Buffer[];
  private readonly overlap: number;
  private carry: Buffer = Buffer.alloc(0);
  readonly found = new Set<number>();
  bytes = 0;

  constructor(values: readonly string[]) {
    this.needles = values.map((value) => Buffer.from(value, 'utf8'));
    this.overlap = Math.max(0, ...this.needles.map((needle) => needle.length - 1));
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    const window = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    this.needles.forEach((needle, index) => {
      if (needle.length > 0 && !this.found.has(index) && window.includes(needle)) {
        this.found.add(index);
      }
    });
    this.carry = Buffer.from(window.subarray(Math.max(0, window.length - this.overlap)));
  }
}

export interface ImageScan {
  image: string;
  /** Names of the needles found, with where (`history` or `layers`). */
  leaks: string[];
  /** Whether the control value (a string every image of the app holds) was seen. */
  controlFound: boolean;
  /** Bytes of the `docker save` stream read. */
  bytes: number;
  seconds: number;
}

/** Streams `docker save IMAGE` through a scanner (the archive can be hundreds of MB). */
function scanSavedImage(image: string, scanner: StreamScanner, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['save', image], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => scanner.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`docker save ${image} failed (${signal ?? code}): ${tail(stderr, 5)}`));
    });
  });
}

/**
 * Scans one image for the needles. `control` is a string the image is known to contain
 * (the app's package name): if the scan does not see it, the layers were unreadable to a
 * plain byte search (compressed, say) and a clean result would mean nothing.
 */
export async function scanImage(
  image: string,
  needles: readonly Needle[],
  control: string,
  options: { exec?: Exec; timeoutMs?: number } = {},
): Promise<ImageScan> {
  const exec = options.exec ?? defaultExec;
  const started = Date.now();
  const leaks: string[] = [];
  const history = await exec(
    'docker',
    ['history', '--no-trunc', '--format', '{{.CreatedBy}}', image],
    {
      timeoutMs: 60_000,
    },
  );
  if (history.code !== 0)
    throw new Error(`docker history ${image} failed: ${tail(history.stderr, 5)}`);
  for (const needle of needles) {
    if (history.stdout.includes(needle.value)) leaks.push(`${needle.name} (in docker history)`);
  }
  const scanner = new StreamScanner([...needles.map((needle) => needle.value), control]);
  await scanSavedImage(image, scanner, options.timeoutMs ?? 10 * 60_000);
  needles.forEach((needle, index) => {
    if (scanner.found.has(index)) leaks.push(`${needle.name} (in the image's layers)`);
  });
  return {
    image,
    leaks,
    controlFound: scanner.found.has(needles.length),
    bytes: scanner.bytes,
    seconds: (Date.now() - started) / 1000,
  };
}
