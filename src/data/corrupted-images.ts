// What MNIST-C and CIFAR-10-C share: their images are NumPy .npy arrays of uint8 pixels,
// N × height × width × channels in C order, which is exactly the order the clean sets lay
// their inputs out in (MNIST: row-major 28×28; CIFAR-10: height × width × channel, RGB
// interleaved per pixel; data/cifar-10.ts), so an image's inputs are its bytes in file order,
// each pixel / 255, as the clean loaders compute them. Labels are integer .npy arrays.

import { DataError, UserError } from '../errors.js';
import { parseNpy, type NpyArray } from './formats/npy.js';
import { fetchCommand } from './spec.js';
import type { DataOrigin } from './types.js';

/** One corruption at one severity: the images as the clean set's loader would give them. */
export interface CorruptedImages {
  /** 'mnist-c' or 'cifar-10-c'. */
  set: string;
  corruption: string;
  /** 1 for MNIST-C (one severity per corruption), 1–5 for CIFAR-10-C. */
  severity: number;
  /** MNIST-C also ships corrupted training images; CIFAR-10-C is test images only. */
  split: 'test' | 'train';
  size: number;
  nInputs: number;
  nOutputs: 10;
  /** size × nInputs, pixel / 255 in the clean set's layout. */
  x: Float32Array;
  /** Class labels 0–9, the clean set's classes. */
  y: Float32Array;
  origin: DataOrigin;
  description: string;
}

/** Parses a member's bytes, naming the fetch command when the file is damaged. */
export function parseMember(bytes: Uint8Array, file: string, set: string): NpyArray {
  try {
    return parseNpy(bytes, file);
  } catch (err) {
    if (err instanceof DataError) throw new UserError(`${err.message}; fetch it again with \`${fetchCommand(set)}\``);
    throw err;
  }
}

/** A damaged-file error that names the fetch command. */
export function damaged(file: string, problem: string, set: string): DataError {
  return new DataError(file, `${problem}; fetch it again with \`${fetchCommand(set)}\``);
}

/**
 * Rows `from`…`to` − 1 of a uint8 image array whose image shape (all axes but the first) is
 * `imageShape`, as pixel / 255, one image after another.
 */
export function imageRows(arr: NpyArray, file: string, set: string, imageShape: number[], from: number, to: number): Float32Array {
  const [count, ...rest] = arr.shape;
  if (arr.dtype !== 'uint8' || rest.length !== imageShape.length || rest.some((d, k) => d !== imageShape[k])) {
    throw damaged(file, `holds ${arr.dtype} ${JSON.stringify(arr.shape)}, expected uint8 images of shape [N, ${imageShape.join(', ')}]`, set);
  }
  if (to > count) throw damaged(file, `holds ${count} images, needs at least ${to}`, set);
  const per = imageShape.reduce((a, b) => a * b, 1);
  const src = arr.data.subarray(from * per, to * per);
  const x = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) x[i] = src[i] / 255;
  return x;
}

/** Labels at `rows` of an integer label array, each checked to be a class 0–9. */
export function labelRows(arr: NpyArray, file: string, set: string, rows: number[]): Float32Array {
  if (arr.shape.length !== 1 || !/int/.test(arr.dtype)) throw damaged(file, `holds ${arr.dtype} ${JSON.stringify(arr.shape)}, expected a list of integer labels`, set);
  const y = new Float32Array(rows.length);
  rows.forEach((r, k) => {
    if (r >= arr.shape[0]) throw damaged(file, `holds ${arr.shape[0]} labels, needs at least ${r + 1}`, set);
    const v = Number(arr.data[r]);
    if (!Number.isInteger(v) || v < 0 || v > 9) throw damaged(file, `label ${v} at ${r} is not a class 0–9`, set);
    y[k] = v;
  });
  return y;
}

/** `name` as one of `names`, or one line listing them. */
export function checkCorruption(set: string, names: readonly string[], name: string, where: string): string {
  if (!names.includes(name)) throw new UserError(`${where}: ${set} has no corruption '${name}' (it has ${names.join(', ')})`);
  return name;
}
