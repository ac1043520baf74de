// `dwgd export`: a run's trained weights (weights/<method>.json, format dwgd-weights/1) as a
// file PyTorch, NumPy and JAX read without dwgd: safetensors or npz. Both hold, per layer l,
// `layers.<l>.W` with shape [out, in] (row-major, as torch.nn.Linear's weight), `layers.<l>.b`
// with shape [out], and for dual-weight methods `layers.<l>.W1` and `layers.<l>.W2`
// (W = W1 − W2). The network is z = W a + b with ReLU between layers and a linear output.
//
// Both writers are our own, from the formats' specifications, because each is a few dozen
// lines and neither needs compression:
// - safetensors (huggingface.co/docs/safetensors): u64 little-endian header length, a JSON
//   header (name → dtype, shape, data_offsets into the byte buffer; `__metadata__` string map),
//   padded with spaces to 8 bytes, then the tensors' little-endian bytes back to back.
// - npz (numpy.lib.format): a zip archive of `<name>.npy` files, stored uncompressed; each .npy
//   is the magic "\x93NUMPY", version 1.0, a header dict padded to a multiple of 64 bytes,
//   then the array's little-endian bytes in C order.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { WEIGHTS_FORMAT } from './run-record.js';
import { checkRunFolder } from './validate-run.js';
import { zipSync } from 'fflate';
import { methodIds } from '../config/methods.js';

export const EXPORT_FORMATS = ['safetensors', 'npz'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const EXPORT_DTYPES = ['float64', 'float32'] as const;
export type ExportDtype = (typeof EXPORT_DTYPES)[number];

export interface Tensor {
  name: string;
  shape: number[];
  data: number[];
}

interface WeightsFile {
  format: string;
  method: string;
  sizes: number[];
  final: Record<string, number[]>[];
}

/** The methods whose weights a run folder holds; a clear error when it holds none, or when the run folder is damaged. */
export function savedMethods(runDir: string): string[] {
  const dir = join(runDir, 'weights');
  if (!existsSync(join(runDir, 'run.json'))) throw new UserError(`${runDir}: not a run folder (no run.json)`);
  const run = checkRunFolder(runDir);
  if (!run.ok) throw new UserError(run.problem);
  if (!existsSync(join(dir, 'order.json'))) {
    throw new UserError(`${runDir}: no saved weights; the run was made without --save-weights (rerun it with --save-weights, the same numbers come out)`);
  }
  return methodIds(run.stored.config).filter((m) => existsSync(join(dir, `${m}.json`)));
}

/** The trained (final) parameters of one method as named tensors, in layer order. */
export function finalTensors(runDir: string, method: string): { tensors: Tensor[]; sizes: number[] } {
  const file = join(runDir, 'weights', `${method}.json`);
  const methods = savedMethods(runDir);
  if (!methods.includes(method)) throw new UserError(`--method ${method}: ${runDir} has weights for ${methods.join(', ')}`);
  let w: WeightsFile;
  try {
    w = JSON.parse(readFileSync(file, 'utf8')) as WeightsFile;
  } catch {
    throw new UserError(`${file}: not valid JSON (cut short?)`);
  }
  if (w?.format !== WEIGHTS_FORMAT) throw new UserError(`${file}: format ${w?.format}, expected ${WEIGHTS_FORMAT}`);
  if (!Array.isArray(w.sizes) || !Array.isArray(w.final) || w.final.length !== w.sizes.length - 1 || !w.final.every((l) => l && typeof l === 'object')) {
    throw new UserError(`${file}: sizes and final do not describe the layers (${w.final?.length ?? 'no'} final layers for sizes ${JSON.stringify(w.sizes)})`);
  }
  const tensors: Tensor[] = [];
  w.final.forEach((layer, l) => {
    const [nIn, nOut] = [w.sizes[l], w.sizes[l + 1]];
    for (const key of ['W', 'b', 'W1', 'W2']) {
      const data = layer[key];
      if (!data) continue;
      // (null: a non-finite weight of a diverged run, which JSON cannot hold)
      if (!Array.isArray(data) || !data.every((v) => typeof v === 'number' || v === null)) throw new UserError(`${file}: layer ${l} ${key} is not a list of numbers`);
      const shape = key === 'b' ? [nOut] : [nOut, nIn];
      if (data.length !== shape.reduce((a, b) => a * b, 1)) throw new UserError(`${file}: layer ${l} ${key} has ${data.length} values, expected ${shape.join('×')}`);
      tensors.push({ name: `layers.${l}.${key}`, shape, data });
    }
  });
  return { tensors, sizes: w.sizes };
}

function tensorBytes(t: Tensor, dtype: ExportDtype): Buffer {
  const width = dtype === 'float64' ? 8 : 4;
  const buf = Buffer.alloc(t.data.length * width);
  t.data.forEach((v, i) => (dtype === 'float64' ? buf.writeDoubleLE(v, i * width) : buf.writeFloatLE(v, i * width)));
  return buf;
}

export function safetensors(tensors: Tensor[], dtype: ExportDtype, metadata: Record<string, string>): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const bodies: Buffer[] = [];
  let offset = 0;
  for (const t of tensors) {
    const bytes = tensorBytes(t, dtype);
    header[t.name] = { dtype: dtype === 'float64' ? 'F64' : 'F32', shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    bodies.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8);
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([len, Buffer.from(json, 'utf8'), ...bodies]);
}

export function npy(t: Tensor, dtype: ExportDtype): Buffer {
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let dict = `{'descr': '${dtype === 'float64' ? '<f8' : '<f4'}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic (6) + version (2) + header length (2) + dict + '\n' is a multiple of 64.
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), tensorBytes(t, dtype)]);
}

export function npz(tensors: Tensor[], dtype: ExportDtype): Buffer {
  return storedZip(tensors.map((t) => ({ name: `${t.name}.npy`, data: npy(t, dtype) })));
}

/**
 * A zip archive with every entry stored (no compression, as numpy writes .npz), dated
 * 1980-01-01 (the earliest DOS time) so that its bytes do not depend on the clock.
 */
export function storedZip(entries: { name: string; data: Buffer }[]): Buffer {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const e of entries) files[e.name] = [e.data, { level: 0 }];
  return Buffer.from(zipSync(files, { mtime: new Date(1980, 0, 1) }));
}

/** The file of one method's trained weights in the given format. */
export function exportWeights(runDir: string, method: string, format: ExportFormat, dtype: ExportDtype): Buffer {
  const { tensors, sizes } = finalTensors(runDir, method);
  if (format === 'npz') return npz(tensors, dtype);
  const run = checkRunFolder(runDir);
  if (!run.ok) throw new UserError(run.problem);
  return safetensors(tensors, dtype, {
    format: 'dwgd-export/1', method, runId: run.stored.runId, sizes: JSON.stringify(sizes),
    layout: 'layers.<l>.W: [out, in], layers.<l>.b: [out]; z = W a + b, ReLU between layers, linear output; W = W1 - W2 for dual-weight methods',
  });
}
