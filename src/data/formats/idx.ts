// The idx format of MNIST and Fashion-MNIST (big-endian header: two zero bytes, a type code,
// the number of dimensions, then one 32-bit size per dimension, then the data). Gzip aware.

import { gunzipSync } from 'node:zlib';
import { DataError } from '../../errors.js';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const UBYTE = 0x08;

/** Gunzips bytes that start with the gzip magic number; returns other bytes unchanged. */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (err) {
      throw new DataError(file, `is not a valid gzip file (${(err as Error).message})`);
    }
  }
  return bytes;
}

/** Parses an unsigned-byte idx file, checking the magic number, the rank and the exact size. */
export function parseIdx(raw: Uint8Array, file: string, expectedRank: number): IdxArray {
  const bytes = maybeGunzip(raw, file);
  if (bytes.length < 4) throw new DataError(file, `is too short for an idx header (${bytes.length} bytes)`);
  const magic = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
  const expectedMagic = (UBYTE << 8) | expectedRank;
  if (magic !== expectedMagic) {
    throw new DataError(file, `wrong idx magic number 0x${hex(magic)} (expected 0x${hex(expectedMagic)}: unsigned bytes, ${expectedRank} dimension${expectedRank > 1 ? 's' : ''})`);
  }
  const headerLength = 4 + 4 * expectedRank;
  if (bytes.length < headerLength) throw new DataError(file, `is truncated inside the idx header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let d = 0; d < expectedRank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    count *= size;
  }
  const expected = headerLength + count;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'longer than its header says';
    throw new DataError(file, `is ${what}: ${bytes.length} bytes, the header [${dims.join(' × ')}] needs ${expected}`);
  }
  return { dims, data: bytes.subarray(headerLength) };
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
