// What the file storage backend holds: every object's key, the sha256 of its bytes, and
// its sidecar (`<root>/.meta/<key>`: stored content type and disposition); plus how many
// temp files are left in `<root>/.tmp` (a failed upload must leave none).
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface StoredObject {
  sha256: string;
  /** The sidecar JSON as stored, or `(no sidecar)`. */
  meta: string;
  /** Size and mtime of the object and its sidecar when they were read. */
  version: string;
}

export interface StorageSnapshot {
  objects: Map<string, StoredObject>;
  tmpFiles: number;
}

async function files(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}

/**
 * Everything under `root` now. `previous` saves work: an object whose size and mtime did
 * not change is not read and hashed again (stored objects are written once, by rename).
 */
export async function snapshotStorage(
  root: string,
  previous?: StorageSnapshot,
): Promise<StorageSnapshot> {
  const objects = new Map<string, StoredObject>();
  for (const path of await files(root)) {
    const key = relative(root, path).split(sep).join('/');
    if (key.startsWith('.tmp/') || key.startsWith('.meta/')) continue;
    const metaPath = join(root, '.meta', ...key.split('/'));
    const stamp = await Promise.all([path, metaPath].map((p) => stat(p).catch(() => undefined)));
    const version = stamp.map((s) => (s ? `${s.size}:${s.mtimeMs}` : '-')).join('/');
    const old = previous?.objects.get(key);
    if (old && old.version === version) {
      objects.set(key, old);
      continue;
    }
    const sha256 = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    const meta = await readFile(metaPath, 'utf8').catch(() => '(no sidecar)');
    objects.set(key, { sha256, meta, version });
  }
  const tmpFiles = (await files(join(root, '.tmp'))).length;
  return { objects, tmpFiles };
}

/** What `after` holds that `before` did not, and what it lost, as readable lines. */
export function storageDelta(
  before: StorageSnapshot,
  after: StorageSnapshot,
): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const [key, object] of after.objects) {
    const old = before.objects.get(key);
    if (!old || old.sha256 !== object.sha256 || old.meta !== object.meta) {
      added.push(`${key} sha256=${object.sha256.slice(0, 16)} meta=${object.meta}`);
    }
  }
  for (const key of before.objects.keys()) if (!after.objects.has(key)) removed.push(key);
  return { added, removed };
}
