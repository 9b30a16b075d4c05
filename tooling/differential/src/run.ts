// Sends the corpus to every app (each app's requests in corpus order, the apps side by
// side) and compares the observations request by request.
import { setTimeout as sleep } from 'node:timers/promises';
import { compareObservations } from './compare.js';
import { flattenJson, type NormaliseContext, normaliseText, observe } from './normalise.js';
import { type StorageSnapshot, snapshotStorage, storageDelta } from './storage.js';
import { type HttpRequest, sendHttp, sendRaw } from './transport.js';
import type { Answer, AppTarget, CorpusEntry, Difference, Header, Observation } from './types.js';

export const DEFAULT_TIMEOUT_MS = 5000;
/** What every request carries unless it says otherwise: the contract's host, over https. */
export const DEFAULT_HEADERS: readonly Header[] = [
  ['Host', 'contract.example'],
  ['X-Forwarded-Proto', 'https'],
];
/** Methods node:http sends without a body framing of its own. */
const BODYLESS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE']);
/** Storage is looked at again after this long, until two looks agree (at most this often). */
const SETTLE_MS = 25;
const SETTLE_TRIES = 20;
/** Leftover temp files are counted again after this long, this often, until none are left. */
const LEFTOVER_MS = 100;
const LEFTOVER_TRIES = 20;
/** The row count is read from one page; the default corpus stores fewer. */
const MAX_ROWS = 100;

export interface DifferentialResult {
  apps: string[];
  /** One row per corpus entry, in order: each app's observation. */
  rows: Array<{ request: string; byApp: Record<string, Observation> }>;
  differences: Difference[];
}

/** Per app: what earlier answers gave later requests (`{{name.field}}`), and the ids made. */
interface AppState {
  captures: Map<string, Record<string, string>>;
  ids: Map<string, string>;
  storage: StorageSnapshot;
  /** Rows listed after the last request that could change them. */
  rows: number;
}

const PLACEHOLDER = /\{\{([^{}]+)\.(\w+)\}\}/g;

function resolve(text: string, state: AppState): string {
  return text.replace(
    PLACEHOLDER,
    (_m, name: string, field: string) =>
      state.captures.get(name)?.[field] ?? `<no-${name}.${field}>`,
  );
}

function headerOf(headers: readonly Header[], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
}

/** The request node:http sends for `entry`: defaults, then its headers, then body framing. */
export function httpRequestFor(entry: CorpusEntry, state?: AppState): HttpRequest {
  const sub = (text: string) => (state ? resolve(text, state) : text);
  const own = (entry.headers ?? []).map(([n, v]) => [n, sub(v)] as const);
  const defaults = entry.noDefaultHeaders
    ? []
    : DEFAULT_HEADERS.filter(([name]) => headerOf(own, name) === undefined);
  const headers: Header[] = [...defaults, ...own];
  const body =
    entry.body === undefined
      ? undefined
      : Buffer.from(typeof entry.body === 'string' ? entry.body : entry.body);
  const framed =
    headerOf(headers, 'content-length') !== undefined ||
    headerOf(headers, 'transfer-encoding') !== undefined;
  // Always a Content-Length, as browsers send it: node:http would otherwise pick chunked.
  if (!framed && (body !== undefined || !BODYLESS.has(entry.method))) {
    headers.push(['Content-Length', String(body?.length ?? 0)]);
  }
  return {
    method: entry.method,
    path: sub(entry.path),
    headers,
    ...(body === undefined ? {} : { body }),
    timeoutMs: entry.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

function parseJson(answer: Answer): unknown {
  if (answer.kind !== 'response') return undefined;
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** What later entries may refer to: ids, keys, urls, the ETag, the cursor, the stylesheet. */
function captureFrom(answer: Answer): Record<string, string> {
  const capture: Record<string, string> = {};
  if (answer.kind !== 'response') return capture;
  const json = parseJson(answer) as Record<string, unknown> | undefined;
  if (json && typeof json === 'object') {
    for (const field of ['id', 'key', 'url'] as const) {
      const value = json[field];
      if (typeof value === 'string') capture[field] = value;
    }
    if (typeof json.nextCursor === 'string') capture.cursor = json.nextCursor;
    if (capture.id) capture.idUpper = capture.id.toUpperCase();
  }
  const etag = answer.headers.find(([n]) => n === 'etag')?.[1];
  if (etag) capture.etag = etag;
  const css = /<link rel="stylesheet" href="([^"]+)"/.exec(answer.body.toString('utf8'));
  if (css?.[1]) capture.stylesheet = css[1].replace(/&amp;/g, '&');
  return capture;
}

async function send(
  app: AppTarget,
  entry: CorpusEntry,
  state: AppState,
): Promise<{ answer: Answer; requestId?: string; getBodyLength?: number; getChunked?: boolean }> {
  const timeoutMs = entry.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (entry.raw) {
    const head = entry.raw.head.map((line) => resolve(line, state));
    const requestId = head.find((l) => /^x-request-id:/i.test(l))?.replace(/^[^:]*:\s*/, '');
    const raw = { ...entry.raw, head };
    const answer = await sendRaw(app.host, app.port, raw, entry.method === 'HEAD', timeoutMs);
    return { answer, ...(requestId === undefined ? {} : { requestId }) };
  }
  const request = httpRequestFor(entry, state);
  const requestId = headerOf(request.headers, 'x-request-id');
  const answer = await sendHttp(app.host, app.port, request);
  let getBodyLength: number | undefined;
  let getChunked: boolean | undefined;
  if (entry.method === 'HEAD' && answer.kind === 'response') {
    // Content-Length of a HEAD must be the GET body's: ask for it, then compare that.
    const get = await sendHttp(app.host, app.port, { ...request, method: 'GET' });
    if (get.kind === 'response') {
      getBodyLength = get.body.length;
      getChunked = get.headers.some(([n, v]) => n === 'transfer-encoding' && /chunked/i.test(v));
    }
  }
  return {
    answer,
    ...(requestId === undefined ? {} : { requestId }),
    ...(getBodyLength === undefined ? {} : { getBodyLength }),
    ...(getChunked === undefined ? {} : { getChunked }),
  };
}

const UUID_IN_KEY = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

async function observeEntry(
  app: AppTarget,
  entry: CorpusEntry,
  state: AppState,
): Promise<Observation> {
  const label = entry.as ?? entry.name;
  const { answer, requestId, getBodyLength, getChunked } = await send(app, entry, state);

  const capture = captureFrom(answer);
  state.captures.set(label, capture);
  const created = answer.kind === 'response' && answer.status === 201 ? capture.id : undefined;
  if (created) state.ids.set(created.toLowerCase(), label);

  // What the request stored: new objects name the ids they belong to (also for uploads
  // that answer without the media object, like the form's 303).
  const effects: Observation = {};
  if (app.mediaDir) {
    const after = await settledSnapshot(app.mediaDir, state.storage, entry);
    const delta = storageDelta(state.storage, after);
    state.storage = after;
    for (const line of delta.added) {
      const id = UUID_IN_KEY.exec(line)?.[0]?.toLowerCase();
      if (id && !state.ids.has(id)) state.ids.set(id, label);
    }
    const ctx = context(app, state);
    const lines = (list: string[]) =>
      list
        .map((l) => normaliseText(l, ctx))
        .sort()
        .join('\n');
    if (delta.added.length > 0) effects['stored objects added'] = lines(delta.added);
    if (delta.removed.length > 0) effects['stored objects removed'] = lines(delta.removed);
    if (entry.leftovers) effects['stored temp files'] = String(await settledTmpFiles(app.mediaDir));
  }

  const ctx = context(app, state);
  const out = observe(answer, { method: entry.method, requestId, getBodyLength, getChunked }, ctx);
  Object.assign(out, effects);
  await observeRows(app, entry, state, ctx, created, out);
  // Distinct createdAt values keep "newest first" the same order in every app.
  if (created) await sleep(5);
  return out;
}

/**
 * The storage once it stopped changing (objects and temp files): an app may still be
 * cleaning up after a failed upload when its answer arrives. Reads change nothing, so
 * they are looked at once.
 */
async function settledSnapshot(
  root: string,
  previous: StorageSnapshot,
  entry: CorpusEntry,
): Promise<StorageSnapshot> {
  let snapshot = await snapshotStorage(root, previous);
  if (['GET', 'HEAD'].includes(entry.method)) return snapshot;
  const same = (a: StorageSnapshot, b: StorageSnapshot) =>
    a.tmpFiles === b.tmpFiles &&
    a.objects.size === b.objects.size &&
    [...a.objects].every(([key, o]) => b.objects.get(key)?.version === o.version);
  for (let i = 0; i < SETTLE_TRIES; i++) {
    await sleep(SETTLE_MS);
    const next = await snapshotStorage(root, snapshot);
    if (same(snapshot, next)) return next;
    snapshot = next;
  }
  return snapshot;
}

/**
 * Temp files left in the storage once they are gone or stopped going. An app removes a
 * failed upload's temp file some time after its answer (under load, after the next
 * request), so this is counted once, at the end (`leftovers`), not after each request.
 */
async function settledTmpFiles(root: string): Promise<number> {
  let count = (await snapshotStorage(root)).tmpFiles;
  for (let i = 0; i < LEFTOVER_TRIES && count > 0; i++) {
    await sleep(LEFTOVER_MS);
    count = (await snapshotStorage(root)).tmpFiles;
  }
  return count;
}

function context(app: AppTarget, state: AppState): NormaliseContext {
  return { frameworkNames: app.frameworkNames, ids: state.ids, port: app.port };
}

/** The stored row of a created item, and how many rows the request added or removed. */
async function observeRows(
  app: AppTarget,
  entry: CorpusEntry,
  state: AppState,
  ctx: NormaliseContext,
  createdId: string | undefined,
  out: Observation,
): Promise<void> {
  const get = (path: string) =>
    sendHttp(app.host, app.port, {
      method: 'GET',
      path,
      headers: DEFAULT_HEADERS,
      timeoutMs: DEFAULT_TIMEOUT_MS,
    });
  if (createdId) {
    const row = await get(`/api/media/${createdId}`);
    const json = parseJson(row);
    if (json === undefined) {
      out['stored row'] = row.kind === 'response' ? String(row.status) : row.outcome;
    } else flattenJson('stored row', json, ctx, out);
  }
  // Anything but a read may have added or removed a row.
  if (['GET', 'HEAD'].includes(entry.method.toUpperCase())) return;
  const list = parseJson(await get(`/api/media?limit=${MAX_ROWS}`)) as
    | { items?: unknown[] }
    | undefined;
  const rows = list?.items?.length;
  if (rows === undefined) {
    out['stored rows'] = 'list failed';
    return;
  }
  if (rows !== state.rows)
    out['stored rows'] = `${rows - state.rows > 0 ? '+' : ''}${rows - state.rows}`;
  state.rows = rows;
}

export interface ObserveOptions {
  /** Called after each request (progress, timing). */
  onEntry?: (app: string, entry: CorpusEntry, observation: Observation, ms: number) => void;
}

/** Sends the whole corpus to one app, in order; one observation per entry. */
export async function observeApp(
  app: AppTarget,
  corpus: readonly CorpusEntry[],
  options: ObserveOptions = {},
): Promise<Observation[]> {
  const state: AppState = {
    captures: new Map(),
    ids: new Map(),
    storage: app.mediaDir
      ? await snapshotStorage(app.mediaDir)
      : { objects: new Map(), tmpFiles: 0 },
    rows: 0,
  };
  const observations: Observation[] = [];
  for (const entry of corpus) {
    const started = performance.now();
    const observation = await observeEntry(app, entry, state);
    options.onEntry?.(app.name, entry, observation, performance.now() - started);
    observations.push(observation);
  }
  return observations;
}

/** Throws on a corpus that cannot be compared (a repeated name or label). */
export function checkCorpus(corpus: readonly CorpusEntry[]): void {
  const names = new Set<string>();
  for (const entry of corpus) {
    for (const name of new Set([entry.name, entry.as ?? entry.name])) {
      if (names.has(name)) throw new Error(`corpus: "${name}" is used twice`);
      names.add(name);
    }
  }
}

/** The differential test as a function: every app gets `corpus`, the answers are compared. */
export async function runDifferential(
  apps: readonly AppTarget[],
  corpus: readonly CorpusEntry[],
  options: ObserveOptions = {},
): Promise<DifferentialResult> {
  checkCorpus(corpus);
  const all = await Promise.all(apps.map((app) => observeApp(app, corpus, options)));
  const rows: DifferentialResult['rows'] = [];
  const differences: Difference[] = [];
  corpus.forEach((entry, i) => {
    const byApp: Record<string, Observation> = {};
    apps.forEach((app, a) => {
      byApp[app.name] = all[a]?.[i] ?? {};
    });
    rows.push({ request: entry.name, byApp });
    differences.push(...compareObservations(entry.name, byApp));
  });
  return { apps: apps.map((a) => a.name), rows, differences };
}
