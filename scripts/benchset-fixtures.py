#!/usr/bin/env python3
"""Small archives in the published layouts of MNIST-C and CIFAR-10-C, for the tests of
src/data/corrupted-sets.ts and src/cli/benchsets.test.ts. Run once; the output is kept in
src/data/testing/benchsets/ (about 120 KB):

    python3 scripts/benchset-fixtures.py src/data/testing/benchsets

Needs numpy only (zip and tar come from Python's zipfile and tarfile).

- mnist_c.zip: mnist_c/<corruption>/{train,test}_{images,labels}.npy for three of MNIST-C's
  sixteen folders (identity, fog, canny_edges), images uint8 N x 28 x 28 x 1, labels int64;
  3 training and 4 test images each.
- CIFAR-10-C.tar: CIFAR-10-C/<corruption>.npy for three of its nineteen files (gaussian_noise,
  fog, brightness), uint8 (5*2) x 32 x 32 x 3 (severities 1..5 stacked, 2 images each), and
  CIFAR-10-C/labels.npy (uint8, the 2 labels repeated five times, as published).
- mnist-c-idx/: the test images and labels of mnist_c/fog as idx files (the clean MNIST format),
  and cifar-10-c-batch.bin: severity 3 of CIFAR-10-C/fog.npy as a CIFAR-10 binary batch (label
  byte, then the red, green and blue planes). numpy does the transposition, so the test checks
  that a corrupted set and its clean set lay out and scale the same pixels identically.

Pixel value of image k (0-based, within its file), flat index i of that image, in the file of
corruption number c (its position in the lists above) and split s (train 0, test 1; CIFAR 0):
(k * 97 + i * 13 + c * 29 + s * 7) % 256. Labels: (k * 3 + c) % 10. manifest.json says so.
"""

import io
import json
import os
import sys
import tarfile
import zipfile

import numpy as np

MNIST = ["identity", "fog", "canny_edges"]
CIFAR = ["gaussian_noise", "fog", "brightness"]
PER_SEVERITY = 2


def pixels(n, shape, c, s):
    k = np.arange(n, dtype=np.int64).reshape((n,) + (1,) * len(shape))
    i = np.arange(int(np.prod(shape)), dtype=np.int64).reshape(shape)
    return ((k * 97 + i * 13 + c * 29 + s * 7) % 256).astype(np.uint8)


def labels(n, c, dtype):
    return ((np.arange(n, dtype=np.int64) * 3 + c) % 10).astype(dtype)


def npy_bytes(arr):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=False)
    return buf.getvalue()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("src", "data", "testing", "benchsets")
    os.makedirs(out, exist_ok=True)
    sizes = {"train": 3, "test": 4}
    fixed_time = (2019, 6, 6, 0, 0, 0)
    with zipfile.ZipFile(os.path.join(out, "mnist_c.zip"), "w", compression=zipfile.ZIP_DEFLATED) as z:
        for c, name in enumerate(MNIST):
            for s, split in enumerate(["train", "test"]):
                n = sizes[split]
                for kind, arr in (("images", pixels(n, (28, 28, 1), c, s)), ("labels", labels(n, c, np.int64))):
                    info = zipfile.ZipInfo(f"mnist_c/{name}/{split}_{kind}.npy", date_time=fixed_time)
                    info.compress_type = zipfile.ZIP_DEFLATED
                    z.writestr(info, npy_bytes(arr))

    with tarfile.open(os.path.join(out, "CIFAR-10-C.tar"), "w", format=tarfile.USTAR_FORMAT) as t:
        def add(name, data):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1547000000
            info.mode = 0o644
            t.addfile(info, io.BytesIO(data))
        for c, name in enumerate(CIFAR):
            add(f"CIFAR-10-C/{name}.npy", npy_bytes(pixels(5 * PER_SEVERITY, (32, 32, 3), c, 0)))
        add("CIFAR-10-C/labels.npy", npy_bytes(np.tile(labels(PER_SEVERITY, 0, np.uint8), 5)))

    # The clean formats of the same pixels.
    fog = MNIST.index("fog")
    images, lab = pixels(4, (28, 28, 1), fog, 1), labels(4, fog, np.int64)
    os.makedirs(os.path.join(out, "mnist-c-idx"), exist_ok=True)
    with open(os.path.join(out, "mnist-c-idx", "t10k-images-idx3-ubyte"), "wb") as f:
        f.write(np.array([0x803, 4, 28, 28], dtype=">u4").tobytes() + images.reshape(4, 28, 28).tobytes())
    with open(os.path.join(out, "mnist-c-idx", "t10k-labels-idx1-ubyte"), "wb") as f:
        f.write(np.array([0x801, 4], dtype=">u4").tobytes() + lab.astype(np.uint8).tobytes())
    cfog = CIFAR.index("fog")
    sev3 = pixels(5 * PER_SEVERITY, (32, 32, 3), cfog, 0)[2 * PER_SEVERITY:3 * PER_SEVERITY]
    planes = sev3.transpose(0, 3, 1, 2).reshape(PER_SEVERITY, 3 * 1024)
    records = np.concatenate([labels(PER_SEVERITY, 0, np.uint8).reshape(-1, 1), planes], axis=1)
    with open(os.path.join(out, "cifar-10-c-batch.bin"), "wb") as f:
        f.write(records.astype(np.uint8).tobytes())

    manifest = {
        "numpy": np.__version__,
        "pixel": "(k * 97 + i * 13 + c * 29 + s * 7) % 256",
        "label": "(k * 3 + c) % 10",
        "mnist": {"corruptions": MNIST, "train": sizes["train"], "test": sizes["test"]},
        "cifar": {"corruptions": CIFAR, "perSeverity": PER_SEVERITY, "labelsFrom": 0},
    }
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
