// NumPy's .npy format (numpy.lib.format, versions 1.0, 2.0 and 3.0): the magic string
// "\x93NUMPY", a major and a minor version byte, the header's length (2 bytes little-endian in
// 1.0, 4 bytes in 2.0 and 3.0), the header (a Python dict literal with the keys 'descr',
// 'fortran_order' and 'shape', padded with spaces and a newline), then the raw data. This reads
// the arrays MNIST-C and CIFAR-10-C ship: uint8 images (N×28×28×1, N×32×32×3) and int64 or
// uint8 labels, in C order; a few other plain numeric dtypes come for free. Anything else
// (structured or object dtypes, big-endian data, Fortran order, a file cut short) fails with
// one line naming the file.

import { readFileSync } from 'node:fs';
import { DataError } from '../../errors.js';

/** The element types this reader accepts, by their numpy names. */
export type NpyDtype = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'int64' | 'uint64' | 'float32' | 'float64';

export type NpyData = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface NpyArray {
  dtype: NpyDtype;
  /** The array's shape, C order (the last axis varies fastest in `data`). */
  shape: number[];
  /**
   * The elements in C order. int64 and uint64 are returned as Float64Array (every value must be
   * a safe integer, |v| ≤ 2^53 − 1, else the read fails); the other types keep their own type.
   */
  data: NpyData;
  /** The format version of the file, e.g. [1, 0]. */
  version: [number, number];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** descr (without its byte-order character) → dtype and item size. */
const KINDS: Record<string, { dtype: NpyDtype; size: number }> = {
  u1: { dtype: 'uint8', size: 1 },
  i1: { dtype: 'int8', size: 1 },
  u2: { dtype: 'uint16', size: 2 },
  i2: { dtype: 'int16', size: 2 },
  u4: { dtype: 'uint32', size: 4 },
  i4: { dtype: 'int32', size: 4 },
  u8: { dtype: 'uint64', size: 8 },
  i8: { dtype: 'int64', size: 8 },
  f4: { dtype: 'float32', size: 4 },
  f8: { dtype: 'float64', size: 8 },
};

const SUPPORTED = 'uint8, int8, uint16, int16, uint32, int32, int64, uint64, float32, float64 (little-endian)';

/** Reads and parses one .npy file. */
export function readNpyFile(file: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new DataError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseNpy(bytes, file);
}

/** Parses the bytes of a .npy file; `file` names it in errors. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) throw new DataError(file, 'is a zip archive (.npz?), not a .npy file');
    throw new DataError(file, bytes.length < 10 ? `is too short for a .npy header (${bytes.length} bytes)` : 'is not a .npy file (no \\x93NUMPY magic string)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3 || minor !== 0) throw new DataError(file, `has .npy format version ${major}.${minor}; this reader knows 1.0, 2.0 and 3.0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) throw new DataError(file, 'is truncated inside the .npy header');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (bytes.length < dataStart) throw new DataError(file, `is truncated inside the .npy header (${bytes.length} bytes, the header ends at byte ${dataStart})`);
  const headerBytes = bytes.subarray(8 + lengthBytes, dataStart);
  const header = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : latin1(headerBytes);
  const { descr, fortranOrder, shape } = parseHeader(header, file);

  if (typeof descr !== 'string') throw new DataError(file, `has a structured dtype (${oneLine(header)}); supported: ${SUPPORTED}`);
  const order = descr[0];
  const kind = KINDS[descr.slice(1)];
  if (kind === undefined || !['<', '|', '='].includes(order) || (order === '|' && kind.size !== 1)) {
    const why = order === '>' && KINDS[descr.slice(1)] !== undefined ? 'big-endian data are not supported' : 'unsupported dtype';
    throw new DataError(file, `has dtype '${descr}': ${why}; supported: ${SUPPORTED}`);
  }
  if (fortranOrder && shape.filter((d) => d > 1).length > 1) {
    throw new DataError(file, `is stored in Fortran order (column-major); only C order is supported (save it with np.ascontiguousarray)`);
  }

  let count = 1;
  for (const d of shape) count *= d;
  if (!Number.isSafeInteger(count * kind.size)) throw new DataError(file, `has shape (${shape.join(', ')}), too large`);
  const expected = dataStart + count * kind.size;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'truncated' : 'longer than its header says';
    throw new DataError(file, `is ${what}: ${bytes.length - dataStart} data bytes, shape (${shape.join(', ')}) of ${kind.dtype} needs ${count * kind.size}`);
  }
  return { dtype: kind.dtype, shape, data: decode(bytes, dataStart, count, kind.dtype, file), version: [major, minor] };
}

function decode(bytes: Uint8Array, start: number, count: number, dtype: NpyDtype, file: string): NpyData {
  // A copy into a fresh buffer (aligned at 0; Buffer.slice would share the input's memory).
  const raw = new Uint8Array(count * KINDS[dtypeCode(dtype)].size);
  raw.set(bytes.subarray(start, start + raw.length));
  const buf = raw.buffer;
  switch (dtype) {
    case 'uint8':
      return raw;
    case 'int8':
      return new Int8Array(buf, 0, count);
    case 'uint16':
      return new Uint16Array(buf, 0, count);
    case 'int16':
      return new Int16Array(buf, 0, count);
    case 'uint32':
      return new Uint32Array(buf, 0, count);
    case 'int32':
      return new Int32Array(buf, 0, count);
    case 'float32':
      return new Float32Array(buf, 0, count);
    case 'float64':
      return new Float64Array(buf, 0, count);
    case 'int64':
    case 'uint64': {
      const wide = dtype === 'int64' ? new BigInt64Array(buf, 0, count) : new BigUint64Array(buf, 0, count);
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const v = wide[i];
        if (v > 9007199254740991n || v < -9007199254740991n) throw new DataError(file, `element ${i} of its ${dtype} data, ${v}, is beyond 2^53 − 1`);
        out[i] = Number(v);
      }
      return out;
    }
  }
}

function dtypeCode(dtype: NpyDtype): string {
  for (const [code, k] of Object.entries(KINDS)) if (k.dtype === dtype) return code;
  throw new Error(`no code for ${dtype}`);
}

/**
 * The header dict: {'descr': '<u1', 'fortran_order': False, 'shape': (2, 28, 28, 1), }, keys in
 * any order. A structured descr (a list) is returned as null.
 */
function parseHeader(header: string, file: string): { descr: string | null; fortranOrder: boolean; shape: number[] } {
  const bad = (what: string): never => {
    throw new DataError(file, `has a malformed .npy header (${what}): ${oneLine(header)}`);
  };
  const text = header.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) bad('not a dict');
  const descrMatch = /['"]descr['"]\s*:\s*(?:'([^']*)'|"([^"]*)"|(\[))/.exec(text);
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)\b/.exec(text);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descrMatch) bad("no 'descr'");
  if (!fortranMatch) bad("no 'fortran_order'");
  if (!shapeMatch) bad("no 'shape'");
  const dm = descrMatch as RegExpExecArray;
  const descr = dm[3] !== undefined ? null : (dm[1] ?? dm[2]);
  const inner = (shapeMatch as RegExpExecArray)[1].trim();
  const parts = inner === '' ? [] : inner.split(',').map((s) => s.trim());
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop(); // (10,)
  const shape = parts.map((p) => {
    if (!/^\d+L?$/.test(p)) bad(`shape entry '${p}'`);
    const n = Number(p.replace(/L$/, ''));
    if (!Number.isSafeInteger(n)) bad(`shape entry '${p}'`);
    return n;
  });
  return { descr, fortranOrder: (fortranMatch as RegExpExecArray)[1] === 'True', shape };
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function oneLine(s: string): string {
  const t = s.trim().replace(/\s+/g, ' ');
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
}
