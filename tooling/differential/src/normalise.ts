// Turns an Answer into comparable fields, with what legitimately differs between two runs
// replaced by placeholders: media ids (by the corpus entry that created them), other
// UUIDs, ISO dates, the framework's own name, the port, the request id when it follows
// the rule, Content-Length when it matches the body, pagination cursors.
import { createHash } from 'node:crypto';
import { cspMeaning, htmlMeaning } from './meaning.js';
import type { Answer, Observation } from './types.js';

export interface NormaliseContext {
  /** Words replaced by `<framework>` (case-insensitive, whole words). */
  frameworkNames: readonly string[];
  /** Media ids this app made so far: lower-case UUID -> the label of the request that made it. */
  ids: ReadonlyMap<string, string>;
  port: number;
}

export interface RequestFacts {
  /** As sent (the server sees the raw method, `get` stays `get`). */
  method: string;
  /** The first X-Request-Id sent, if any. */
  requestId?: string;
  /** HEAD only: the length of the body a GET of the same target returned. */
  getBodyLength?: number;
  /** HEAD only: whether that GET's body came chunked (no length stated). */
  getChunked?: boolean;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const UUID_ONLY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Ids, UUIDs, dates, the framework name and the port replaced by placeholders. */
export function normaliseText(text: string, ctx: NormaliseContext): string {
  let out = text.replace(UUID, (uuid) => {
    const label = ctx.ids.get(uuid.toLowerCase());
    return label ? `<id:${label}>` : '<uuid>';
  });
  out = out.replace(ISO_DATE, '<date>');
  out = out.split(`:${ctx.port}`).join(':<port>');
  const names = [...new Set(ctx.frameworkNames)].filter((n) => n.length > 0).map(escapeRegExp);
  if (names.length > 0) {
    out = out.replace(new RegExp(`\\b(?:${names.join('|')})\\b`, 'gi'), '<framework>');
  }
  return out;
}

/** Flattens JSON into `prefix.a.b[0]` fields, each leaf normalised. */
export function flattenJson(
  prefix: string,
  value: unknown,
  ctx: NormaliseContext,
  out: Observation,
): void {
  if (Array.isArray(value)) {
    out[`${prefix} length`] = String(value.length);
    const ids = value.map((item) => (item as { id?: unknown } | null)?.id);
    if (value.length > 0 && ids.every((id) => typeof id === 'string')) {
      // Media lists: each item under its id, so one extra or missing item is one
      // difference, not a shift of every index after it; the order is its own field.
      const labels = ids.map((id) => normaliseText(id as string, ctx));
      out[`${prefix} order`] = labels.join(', ');
      value.forEach((item, i) => {
        flattenJson(`${prefix}[${labels[i]}]`, item, ctx, out);
      });
      return;
    }
    value.forEach((item, i) => {
      flattenJson(`${prefix}[${i}]`, item, ctx, out);
    });
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) out[prefix] = '{}';
    for (const key of keys) {
      const child = (value as Record<string, unknown>)[key];
      // Cursors are opaque and encode ids and dates: only whether there is one matters.
      if (key === 'nextCursor' && typeof child === 'string') out[`${prefix}.${key}`] = '<cursor>';
      else flattenJson(`${prefix}.${key}`, child, ctx, out);
    }
  } else {
    out[prefix] =
      typeof value === 'string'
        ? JSON.stringify(normaliseText(value, ctx))
        : JSON.stringify(value ?? null);
  }
}

/** Headers whose value is compared as sent (after the text normalisation). */
const VALUE_HEADERS = [
  'Allow',
  'Location',
  'Content-Type',
  'Content-Disposition',
  'Cache-Control',
  'Connection',
  'X-Content-Type-Options',
  'X-Frame-Options',
  'Referrer-Policy',
  'Content-Security-Policy',
  'Cross-Origin-Opener-Policy',
  'Strict-Transport-Security',
];
/** Headers whose presence alone is compared (their values legitimately differ). */
const PRESENCE_HEADERS = ['ETag', 'Last-Modified', 'X-Powered-By'];

function headerValue(headers: Array<[string, string]>, name: string): string | undefined {
  const values = headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
  return values.length === 0 ? undefined : values.join(' | ');
}

function requestIdRule(sent: string | undefined, got: string | undefined): string {
  if (got === undefined) return '(absent)';
  if (sent !== undefined && got === sent) return '<as sent>';
  if (UUID_ONLY.test(got)) return '<new uuid>';
  return JSON.stringify(got);
}

/**
 * How the answer frames its body, compared as what it tells the client: a stated
 * `Content-Length` equal to the body, and a complete chunked body, both frame exactly the
 * body (`= body length`); a HEAD answer states the length of the GET's body, or, when that
 * GET was chunked, none, as the GET itself (`= GET body length`).
 */
function contentLength(
  declared: string | undefined,
  body: Buffer,
  facts: RequestFacts,
  chunked: boolean,
): string | undefined {
  if (declared === undefined) {
    if (facts.method === 'HEAD' && facts.getChunked) return '= GET body length';
    return chunked && body.length > 0 ? '= body length' : undefined;
  }
  if (facts.method === 'HEAD') {
    if (facts.getBodyLength !== undefined && Number(declared) === facts.getBodyLength) {
      return '= GET body length';
    }
    return `${declared} (GET body ${facts.getBodyLength ?? 'unknown'})`;
  }
  return Number(declared) === body.length && body.length > 0 ? '= body length' : declared;
}

function observeBody(
  contentType: string,
  body: Buffer,
  ctx: NormaliseContext,
  out: Observation,
): void {
  if (body.length === 0) return;
  const text = body.toString('utf8');
  if (/json/i.test(contentType) || /^\s*[{[]/.test(text)) {
    try {
      flattenJson('body', JSON.parse(text), ctx, out);
      return;
    } catch {
      // not JSON after all: compared as text below
    }
  }
  if (/^text\/html/i.test(contentType)) {
    // What the page says, one element per line (see htmlMeaning), so the report can point
    // at the item that differs.
    out['body (html)'] = normaliseText(htmlMeaning(text), ctx);
  } else if (/^text\//i.test(contentType) || (body.length <= 4096 && !text.includes('\uFFFD'))) {
    out['body (text)'] = JSON.stringify(normaliseText(text, ctx));
  } else {
    // Binary content (served media): the bytes must be the stored bytes, whatever the app.
    out['body length'] = String(body.length);
    out['body sha256'] = createHash('sha256').update(body).digest('hex');
  }
}

export function observe(answer: Answer, facts: RequestFacts, ctx: NormaliseContext): Observation {
  const out: Observation = {};
  if (answer.kind === 'failure') {
    out.status = answer.outcome;
    return out;
  }
  out.status = String(answer.status);
  if (answer.after !== undefined) out['connection after'] = answer.after;
  if (answer.bodyEnd !== 'complete') out['body end'] = answer.bodyEnd;
  const { headers } = answer;
  for (const name of VALUE_HEADERS) {
    let value = headerValue(headers, name);
    if (value === undefined) continue;
    if (name === 'Content-Type') value = value.toLowerCase().replace(/\s*;\s*/g, '; ');
    if (name === 'Connection') value = value.toLowerCase();
    if (name === 'Content-Security-Policy') value = cspMeaning(value);
    out[name] = JSON.stringify(normaliseText(value, ctx));
  }
  for (const name of PRESENCE_HEADERS) {
    if (headerValue(headers, name) !== undefined) out[name] = 'present';
  }
  const chunked = /chunked/i.test(headerValue(headers, 'transfer-encoding') ?? '');
  const length = contentLength(headerValue(headers, 'content-length'), answer.body, facts, chunked);
  if (length !== undefined) out['Content-Length'] = length;
  out['X-Request-Id'] = requestIdRule(facts.requestId, headerValue(headers, 'x-request-id'));
  observeBody(headerValue(headers, 'content-type') ?? '', answer.body, ctx, out);
  return out;
}
