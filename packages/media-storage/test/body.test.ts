import { Readable } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { describe, expect, it } from 'vitest';
import { type ByteCount, countingStream, knownLength, toReadable } from '../src/body.js';
import { StorageError } from '../src/errors.js';
import { readAll } from './support/streams.js';

const counter = (): ByteCount => ({ bytes: 0, done: false });

describe('body normalisation', () => {
  it('turns a Buffer into one chunk (not one per byte)', async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of toReadable(Buffer.from('hello'))) chunks.push(chunk as Buffer);
    expect(chunks).toEqual([Buffer.from('hello')]);
  });

  it('reads Uint8Array views at their offset', async () => {
    const backing = new Uint8Array([0, 1, 2, 3, 4, 5]);
    expect([...(await readAll(toReadable(backing.subarray(2, 5))))]).toEqual([2, 3, 4]);
    expect(knownLength(backing.subarray(2, 5))).toBe(3);
    expect(knownLength(Readable.from([]))).toBeUndefined();
  });

  it('reads web streams', async () => {
    const web = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([104, 105]));
        c.close();
      },
    });
    expect((await readAll(toReadable(web))).toString()).toBe('hi');
  });

  it('counts bytes and marks completion', async () => {
    const count = counter();
    const out = await readAll(
      countingStream(Readable.from([Buffer.alloc(10), Buffer.alloc(5)]), count),
    );
    expect(out.length).toBe(15);
    expect(count).toEqual({ bytes: 15, done: true });
  });

  it('fails with TooLarge past maxBytes', async () => {
    const count = counter();
    const error = await readAll(countingStream(Buffer.alloc(11), count, { maxBytes: 10 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('TooLarge');
    expect(count.error).toBe(error);
  });

  it('fails when the body is shorter or longer than contentLength', async () => {
    await expect(
      readAll(countingStream(Buffer.alloc(5), counter(), { contentLength: 6 })),
    ).rejects.toThrow(/ended after 5 of contentLength 6/);
    await expect(
      readAll(countingStream(Buffer.alloc(7), counter(), { contentLength: 6 })),
    ).rejects.toThrow(/longer than contentLength/);
  });

  it('turns a source error into Aborted and stops reading the source when the consumer quits', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('disk on fire'));
      },
    });
    const count = counter();
    const error = await readAll(countingStream(failing, count)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'Aborted', message: 'Upload body failed: disk on fire' });
    const endless = new Readable({
      read() {
        this.push(Buffer.alloc(1024));
      },
    });
    const stream = countingStream(endless, counter());
    stream.read();
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(endless.destroyed).toBe(true);
  });
});
