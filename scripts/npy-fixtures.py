#!/usr/bin/env python3
"""Small .npy files written by numpy itself, for src/data/formats/npy.test.ts.

Run once; the files are kept in src/data/testing/npy/ (about 10 KB in all):

    python3 scripts/npy-fixtures.py src/data/testing/npy

Needs numpy only. Every array of integers holds (i * 37 + 11) % 256 at flat C-order index i
(cast to its dtype), so the test recomputes each element instead of storing the values twice;
manifest.json lists each file's dtype, shape, format version and numpy's version. The files that
must be refused (Fortran order, big-endian, structured, bool) are written by numpy too, so the
test sees the headers numpy really writes.
"""

import io
import json
import os
import sys

import numpy as np


def pattern(shape, dtype):
    n = int(np.prod(shape))
    return ((np.arange(n, dtype=np.int64) * 37 + 11) % 256).astype(dtype).reshape(shape)


def save(out, name, arr, version=None):
    path = os.path.join(out, name)
    with open(path, "wb") as f:
        np.lib.format.write_array(f, arr, version=version, allow_pickle=False)
    back = np.load(path, allow_pickle=False)
    assert back.dtype == arr.dtype and back.shape == arr.shape and np.array_equal(back, arr), name
    with open(path, "rb") as f:
        major = f.read(8)[6]
    return {"file": name, "dtype": str(arr.dtype), "shape": list(arr.shape), "version": [int(major), 0], "fortran": bool(np.isfortran(arr) and arr.ndim > 1)}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("src", "data", "testing", "npy")
    os.makedirs(out, exist_ok=True)
    files = [
        # The layouts of MNIST-C (N×28×28×1 uint8, int64 labels) and CIFAR-10-C (N×32×32×3 uint8, uint8 labels).
        save(out, "mnist-c-images.npy", pattern((3, 28, 28, 1), np.uint8)),
        save(out, "mnist-c-labels.npy", np.array([7, 2, 1], dtype=np.int64)),
        save(out, "cifar-10-c-images.npy", pattern((2, 32, 32, 3), np.uint8)),
        save(out, "cifar-10-c-labels.npy", np.array([3, 8], dtype=np.uint8)),
        # Header versions 2.0 and 3.0 (numpy writes 1.0 unless asked or the header needs more).
        save(out, "version-2.npy", pattern((2, 4, 4, 3), np.uint8), version=(2, 0)),
        save(out, "version-3.npy", pattern((5,), np.int32), version=(3, 0)),
        # Other plain dtypes, a 0-d array and an empty one.
        save(out, "int8.npy", pattern((4, 3), np.int8)),
        save(out, "int32.npy", pattern((2, 3), np.int32)),
        save(out, "float32.npy", (pattern((2, 3), np.float32) / 8).astype(np.float32)),
        save(out, "float64.npy", pattern((3,), np.float64) / 3),
        save(out, "int64-extremes.npy", np.array([-(2**53 - 1), 2**53 - 1, 0, -1], dtype=np.int64)),
        save(out, "int64-beyond.npy", np.array([1, 2**53], dtype=np.int64)),
        save(out, "scalar.npy", np.array(42, dtype=np.uint8)),
        save(out, "empty.npy", np.zeros((0, 28, 28, 1), dtype=np.uint8)),
        # Refused: Fortran order, big-endian, structured, bool.
        save(out, "fortran.npy", np.asfortranarray(pattern((3, 4), np.uint8))),
        save(out, "big-endian.npy", pattern((3,), ">i4")),
        save(out, "structured.npy", np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")])),
        save(out, "bool.npy", np.array([True, False])),
    ]
    manifest = {"numpy": np.__version__, "pattern": "(i * 37 + 11) % 256", "files": files}
    lines = ",\n".join("  " + json.dumps(f) for f in files)
    with open(os.path.join(out, "manifest.json"), "w") as f:
        f.write('{"numpy": %s, "pattern": %s, "files": [\n%s\n]}\n' % (json.dumps(manifest["numpy"]), json.dumps(manifest["pattern"]), lines))
    json.load(open(os.path.join(out, "manifest.json")))


if __name__ == "__main__":
    main()
