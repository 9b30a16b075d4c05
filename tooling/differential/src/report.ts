// The failure message: one block per request that differs, one line per differing field,
// apps that agree grouped together, e.g.
//
//   PUT /api/media/:id
//     Allow: express="GET, HEAD, DELETE" fastify,koa="DELETE, GET, HEAD"
import type { Difference } from './types.js';

const MAX_VALUE = 200;
/** Fields shown per request; the rest are counted (one broken answer can differ everywhere). */
const MAX_FIELDS = 12;

/** Long values are cut around where they start to differ (`from` = that offset). */
function shorten(value: string, from = 0): string {
  if (value.length <= MAX_VALUE) return value;
  const start = Math.max(0, Math.min(from - 40, value.length - MAX_VALUE));
  const head = start > 0 ? `…(${start} chars)` : '';
  const end = start + MAX_VALUE;
  const tail = end < value.length ? `…(${value.length - end} more chars)` : '';
  return `${head}${value.slice(start, end)}${tail}`;
}

function commonPrefix(values: readonly string[]): number {
  const [first = '', ...rest] = values;
  let n = 0;
  while (n < first.length && rest.every((v) => v[n] === first[n])) n++;
  return n;
}

/** For multi-line values (HTML pages): the first line where the apps disagree. */
function firstDifferingLine(
  values: Record<string, string>,
): { line: number; values: Record<string, string> } | undefined {
  const split = Object.entries(values).map(([app, v]) => [app, v.split('\n')] as const);
  if (split.every(([, lines]) => lines.length <= 1)) return undefined;
  const longest = Math.max(...split.map(([, lines]) => lines.length));
  for (let i = 0; i < longest; i++) {
    const at = Object.fromEntries(split.map(([app, lines]) => [app, lines[i] ?? '(no such line)']));
    if (new Set(Object.values(at)).size > 1) return { line: i + 1, values: at };
  }
  return undefined;
}

/** `express="a" fastify,koa="b"`: apps grouped by value, in order of first appearance. */
export function formatValues(values: Record<string, string>): string {
  const groups = new Map<string, string[]>();
  for (const [app, value] of Object.entries(values)) {
    const group = groups.get(value);
    if (group) group.push(app);
    else groups.set(value, [app]);
  }
  const from = commonPrefix([...groups.keys()]);
  return [...groups].map(([value, apps]) => `${apps.join(',')}=${shorten(value, from)}`).join(' ');
}

export function formatDifference(difference: Difference): string {
  const line = firstDifferingLine(difference.values);
  if (line) return `${difference.field} line ${line.line}: ${formatValues(line.values)}`;
  return `${difference.field}: ${formatValues(difference.values)}`;
}

/**
 * The whole report; empty string when there is no difference. Requests that differ in
 * exactly the same way (the same fields, the same values) share one block.
 */
export function formatReport(differences: readonly Difference[], requestCount?: number): string {
  if (differences.length === 0) return '';
  const byRequest = new Map<string, Difference[]>();
  for (const difference of differences) {
    const list = byRequest.get(difference.request);
    if (list) list.push(difference);
    else byRequest.set(difference.request, [difference]);
  }
  const blocks = new Map<string, { requests: string[]; list: Difference[] }>();
  for (const [request, list] of byRequest) {
    const signature = JSON.stringify(list.map((d) => [d.field, d.values]));
    const block = blocks.get(signature);
    if (block) block.requests.push(request);
    else blocks.set(signature, { requests: [request], list });
  }
  const of = requestCount === undefined ? '' : ` of ${requestCount}`;
  const lines = [`${differences.length} differences in ${byRequest.size}${of} requests:`];
  for (const { requests, list } of blocks.values()) {
    lines.push('', ...requests);
    for (const difference of list.slice(0, MAX_FIELDS)) {
      lines.push(`  ${formatDifference(difference)}`);
    }
    if (list.length > MAX_FIELDS) lines.push(`  ... and ${list.length - MAX_FIELDS} more fields`);
  }
  return lines.join('\n');
}
