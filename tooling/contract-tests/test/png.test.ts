import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makePng, PNG_SIGNATURE } from '../src/png.js';

/** Splits a PNG into its chunks, checking each CRC. */
function chunks(png: Buffer): Array<{ type: string; data: Buffer }> {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const out: Array<{ type: string; data: Buffer }> = [];
  let at = 8;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const crc = png.readUInt32BE(at + 8 + length);
    expect(crc32(png.subarray(at + 4, at + 8 + length)), `CRC of ${type}`).toBe(crc);
    out.push({ type, data });
    at += 12 + length;
  }
  return out;
}

describe('makePng', () => {
  it('writes IHDR with the size, an IDAT that inflates to the scanlines, IEND', () => {
    const png = makePng(7, 5, 3);
    const parts = chunks(png);
    expect(parts.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    // IEND is always empty, so its CRC is the one every PNG ends with: a check value that
    // does not come from the function that wrote it.
    expect(png.readUInt32BE(png.length - 4)).toBe(0xae426082);
    const ihdr = parts[0]?.data ?? Buffer.alloc(0);
    expect(ihdr.readUInt32BE(0)).toBe(7);
    expect(ihdr.readUInt32BE(4)).toBe(5);
    expect([...ihdr.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    const raw = inflateSync(parts[1]?.data ?? Buffer.alloc(0));
    expect(raw.length).toBe(5 * (1 + 7 * 3));
  });

  it('gives different bytes for different seeds', () => {
    expect(makePng(4, 4, 1).equals(makePng(4, 4, 2))).toBe(false);
    expect(makePng(4, 4, 1).equals(makePng(4, 4, 1))).toBe(true);
  });

  it('refuses a non-positive size', () => {
    expect(() => makePng(0, 4)).toThrow(/width and height/);
    expect(() => makePng(4, 1.5)).toThrow(/width and height/);
  });
});
