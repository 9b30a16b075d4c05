// Media ids and storage keys: `media/<uuid><ext>`. A key never holds user text beyond a
// vetted extension, so no filename can reach the object store's namespace.
import { posix } from 'node:path';

const EXTENSION = /^\.[a-z0-9]{1,10}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY =
  /^media\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.[a-z0-9]{1,10})?$/;

/** The lower-cased extension (`.png`) when it is 1 to 10 ASCII letters or digits, else `''`. */
export function safeExtension(filename: string): string {
  const ext = posix.extname(filename).toLowerCase();
  return EXTENSION.test(ext) ? ext : '';
}

/** The storage key of a media item: `media/<id><ext>`. */
export function mediaKey(id: string, filename: string): string {
  return `media/${id}${safeExtension(filename)}`;
}

/** Whether `key` has the exact shape `mediaKey` produces (used to vet `/media/<key>` paths). */
export function isMediaKey(key: string): boolean {
  return KEY.test(key);
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
