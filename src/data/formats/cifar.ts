// CIFAR-10 binary batches: records of 1 label byte + 3,072 pixel bytes (1,024 red, then
// 1,024 green, then 1,024 blue, each plane 32×32 row-major), no header. The paper lays each
// image out height × width × channel (RGB interleaved per pixel) before flattening (§6).
// The official cifar-10-binary.tar.gz is read in place with the `tar` package.

import { basename } from 'node:path';
import { list as tarList, type ReadEntry } from 'tar';
import { DataError } from '../../errors.js';

export const CIFAR_SIDE = 32;
export const CIFAR_PIXELS = CIFAR_SIDE * CIFAR_SIDE;
export const CIFAR_INPUTS = 3 * CIFAR_PIXELS;
export const CIFAR_RECORD = 1 + CIFAR_INPUTS;

/** Checks a batch's size and labels; returns its number of records. */
export function checkCifarBatch(bytes: Uint8Array, file: string): number {
  if (bytes.length === 0) throw new DataError(file, 'is empty');
  if (bytes.length % CIFAR_RECORD !== 0) {
    throw new DataError(file, `is not a whole number of CIFAR-10 records: ${bytes.length} bytes is ` +
      `${Math.floor(bytes.length / CIFAR_RECORD)} records of ${CIFAR_RECORD} bytes and ${bytes.length % CIFAR_RECORD} left over (truncated or not a CIFAR-10 binary batch)`);
  }
  const count = bytes.length / CIFAR_RECORD;
  for (let i = 0; i < count; i++) {
    const label = bytes[i * CIFAR_RECORD];
    if (label > 9) throw new DataError(file, `record ${i}: label byte ${label} is not a class 0–9 (not a CIFAR-10 binary batch?)`);
  }
  return count;
}

/**
 * Writes the batch's images into `x` from row `rowOffset` on, as pixel / 255 in HWC order
 * (x[row·3072 + (r·32 + c)·3 + channel]), and their labels into `y`.
 */
export function decodeCifarBatch(bytes: Uint8Array, file: string, x: Float32Array, y: Float32Array, rowOffset: number): number {
  const count = checkCifarBatch(bytes, file);
  for (let i = 0; i < count; i++) {
    const rec = i * CIFAR_RECORD;
    const row = (rowOffset + i) * CIFAR_INPUTS;
    y[rowOffset + i] = bytes[rec];
    for (let p = 0; p < CIFAR_PIXELS; p++) {
      for (let ch = 0; ch < 3; ch++) x[row + p * 3 + ch] = bytes[rec + 1 + ch * CIFAR_PIXELS + p] / 255;
    }
  }
  return count;
}

/**
 * Reads the named members (matched by their base name, e.g. "data_batch_1.bin") out of a
 * tar or tar.gz archive, synchronously. Fails naming the archive if one is missing.
 */
export function readTarMembers(archive: string, wanted: string[]): Map<string, Buffer> {
  const chunks = new Map<string, Buffer[]>();
  const want = new Set(wanted);
  try {
    tarList({
      file: archive,
      sync: true,
      strict: true,
      onReadEntry(entry: ReadEntry) {
        const name = basename(entry.path);
        if (entry.type === 'File' && want.has(name) && !chunks.has(name)) {
          const parts: Buffer[] = [];
          chunks.set(name, parts);
          entry.on('data', (chunk: Buffer) => parts.push(chunk));
        } else {
          entry.resume();
        }
      },
    });
  } catch (err) {
    throw new DataError(archive, `cannot be read as a tar archive (${firstLine((err as Error).message)})`);
  }
  const out = new Map<string, Buffer>();
  const missing: string[] = [];
  for (const name of wanted) {
    const parts = chunks.get(name);
    if (parts) out.set(name, Buffer.concat(parts));
    else missing.push(name);
  }
  if (missing.length > 0) throw new DataError(archive, `holds no ${missing.join(', ')}`);
  return out;
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}
