// file:///absolute/dir?url=/media/ and relative forms.
import { resolve } from 'node:path';
import { percentDecode } from '../env.js';
import { Abandon, type Problems } from '../errors.js';
import type { FileStorageConfig } from '../types.js';
import { type Fail, withSlash } from './common.js';

/** Where media goes when no storage is configured, relative to the working directory. */
export const DEFAULT_MEDIA_DIR = 'data/media';
export const DEFAULT_MEDIA_URL = '/media/';

/**
 * Accepted forms:
 * - `file:///abs/dir` and `file://localhost/abs/dir`: absolute;
 * - `file://./rel/dir`, `file://../rel/dir`, `file:rel/dir`, `file:./rel/dir`: relative to `cwd`;
 * - `?url=` sets the public base URL (default `/media/`).
 */
export function parseFile(
  value: string,
  variable: string,
  problems: Problems,
  cwd: string,
): FileStorageConfig {
  const fail: Fail = (expected) => {
    problems.add(variable, expected, value, 'url');
    throw new Abandon();
  };
  const expected =
    'file:///absolute/dir, file://./relative/dir or file:relative/dir, then ?url=/media/';
  let rest = value.slice('file:'.length);
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const query = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
  if (q !== -1) rest = rest.slice(0, q);
  let rawPath: string;
  if (rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    if (afterSlashes.startsWith('/')) rawPath = afterSlashes;
    else if (/^\.\.?(\/|$)/.test(afterSlashes)) rawPath = afterSlashes;
    else if (/^localhost(\/|$)/i.test(afterSlashes))
      rawPath = afterSlashes.slice('localhost'.length) || '/';
    else return fail(expected);
  } else {
    rawPath = rest;
  }
  const path = percentDecode(rawPath);
  if (path === undefined) return fail('valid percent-encoding in the path');
  if (path === '' || path.includes('\0')) return fail(expected);
  const url = query.get('url');
  const root = resolve(cwd, path);
  return {
    backend: 'file',
    root: root.length > 1 ? root.replace(/\/+$/, '') : root,
    publicBaseUrl: url ? withSlash(url) : DEFAULT_MEDIA_URL,
    fallback: false,
  };
}

export function defaultFileStorage(cwd: string): FileStorageConfig {
  return {
    backend: 'file',
    root: resolve(cwd, DEFAULT_MEDIA_DIR),
    publicBaseUrl: DEFAULT_MEDIA_URL,
    fallback: true,
  };
}
