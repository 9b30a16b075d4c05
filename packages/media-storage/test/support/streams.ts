// Deterministic pseudo-random streams of any size, generated on the fly (never held in
// memory), with their sha256 computed as they are read.
import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const MiB = 1024 * 1024;
const CHUNK = 256 * 1024;

export interface GeneratedStream {
  stream: Readable;
  /** Resolves to the hex sha256 of everything the stream produced, once it ended. */
  digest: Promise<string>;
}

/**
 * `size` bytes of AES-128-CTR keystream (seeded by `seed`): fast, deterministic, incompressible.
 * With `failAfter`, the stream errors once that many bytes were produced.
 */
export function generatedStream(size: number, seed = 'seed', failAfter?: number): GeneratedStream {
  const key = createHash('sha256').update(`key:${seed}`).digest().subarray(0, 16);
  const iv = createHash('sha256').update(`iv:${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const zeros = Buffer.alloc(CHUNK);
  const hash: Hash = createHash('sha256');
  let produced = 0;
  let resolveDigest: (hex: string) => void = () => {};
  const digest = new Promise<string>((resolve) => {
    resolveDigest = resolve;
  });
  const stream = new Readable({
    highWaterMark: CHUNK,
    read() {
      if (failAfter !== undefined && produced >= failAfter) {
        this.destroy(new Error(`generated stream failed on purpose after ${produced} bytes`));
        return;
      }
      const limit = Math.min(size, failAfter ?? Number.POSITIVE_INFINITY);
      const n = Math.min(CHUNK, limit - produced);
      if (n <= 0) {
        resolveDigest(hash.digest('hex'));
        this.push(null);
        return;
      }
      const chunk = cipher.update(n === CHUNK ? zeros : zeros.subarray(0, n));
      produced += n;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest };
}

/** sha256 of a whole stream, read chunk by chunk. */
export async function sha256Of(
  stream: NodeJS.ReadableStream | Readable,
): Promise<{ hex: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  await pipeline(stream, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      bytes += chunk.length;
      hash.update(chunk);
    }
  });
  return { hex: hash.digest('hex'), bytes };
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads a (small) stream fully. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A Node stream that yields `parts` with a pause between them (to interleave uploads). */
export function slowStream(parts: readonly Buffer[], delayMs = 5): Readable {
  return Readable.from(
    (async function* () {
      for (const part of parts) {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        yield part;
      }
    })(),
  );
}
