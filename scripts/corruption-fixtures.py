#!/usr/bin/env python3
"""Expected outputs of the deterministic parts of the corruptions (src/data/corruptions/), made by
the libraries the benchmarks themselves call: scipy/skimage (Gaussian blur, the affine warps,
HSV brightness), Pillow (BOX resize of pixelate) and ImageMagick (motion blur), on two small
images. Run once; the output is kept as src/data/testing/corruptions.json, which
src/data/corruptions/fixtures.test.ts compares with dwgd's own code value by value:

    /usr/bin/python3 scripts/corruption-fixtures.py > src/data/testing/corruptions.json

Needs Debian's python3-skimage (0.19, the last with the `multichannel` and scalar `shear`
arguments MNIST-C calls), python3-pil and imagemagick (6.9, `convert`):

    apt-get install -y --no-install-recommends python3-skimage python3-pil imagemagick

The random parts (which pixels, which angle, the noise) cannot be compared draw by draw with
numpy's generator; the tests check those by their distributions. The script also asserts two
facts docs/METHOD.md states about the originals: skimage's gaussian(..., multichannel=True) on a
2-D (grey) array blurs down the columns only, and AffineTransform(shear=s) is [[1, -sin s],
[0, cos s]].
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import PIL
import scipy
import scipy.ndimage as ndi
import skimage
from PIL import Image
from skimage import color, transform
from skimage.filters import gaussian

warnings.simplefilter("ignore")

GREY_SHAPE = (16, 13)  # rows, columns: not square, so a transposed index shows
COLOUR_SHAPE = (9, 11, 3)


def grey_image():
    r, c = np.meshgrid(np.arange(GREY_SHAPE[0]), np.arange(GREY_SHAPE[1]), indexing="ij")
    v = 0.5 + 0.45 * np.sin(0.7 * r + 0.2) * np.cos(0.45 * c - 0.3)
    v[3:12, 5:7] = 1.0  # a stroke
    v[:, 0] = 0.0
    return np.round(np.clip(v, 0, 1) * 255) / 255


def colour_image():
    r, c = np.meshgrid(np.arange(COLOUR_SHAPE[0]), np.arange(COLOUR_SHAPE[1]), indexing="ij")
    chans = [0.5 + 0.5 * np.sin(0.9 * r + 0.6 * c + 1.3 * k) for k in range(3)]
    v = np.stack(chans, axis=-1)
    v[0, 0] = 0.0  # black
    v[1, 1] = [1.0, 0.0, 0.0]  # pure red
    v[2, 3] = [0.2, 0.2, 0.2]  # grey
    return np.round(np.clip(v, 0, 1) * 255) / 255


def flat(a):
    return [float("%.10g" % v) for v in np.asarray(a, dtype=np.float64).ravel()]


def blur_cases(grey, colour):
    cases = []
    for name, img, sigma in [("grey", grey, 0.4), ("grey", grey, 1.0), ("grey", grey, 2.5), ("grey", grey, 6.0), ("colour", colour, 0.7)]:
        sig = (sigma, sigma) if img.ndim == 2 else (sigma, sigma, 0)
        want = ndi.gaussian_filter(img, sigma=sig, mode="nearest", truncate=4.0)
        if img.ndim == 3:  # what CIFAR-10-C calls gives the same
            assert np.allclose(gaussian(img, sigma=sigma, multichannel=True), want, atol=1e-12)
        cases.append({"image": name, "sigma": sigma, "out": flat(np.clip(want, 0, 1))})
    # MNIST-C calls gaussian(2-D array, sigma, multichannel=True): the last axis (columns) is taken
    # for channels, so only the rows axis is blurred (a vertical blur).
    vertical = ndi.gaussian_filter1d(grey, 2.0, axis=0, mode="nearest", truncate=4.0)
    assert np.allclose(gaussian(grey, sigma=2.0, multichannel=True), vertical, atol=1e-12)
    return cases


def write_pnm(path, img):
    h, w = img.shape[:2]
    magic = b"P5" if img.ndim == 2 else b"P6"
    data = np.round(img * 65535).astype(">u2").tobytes()
    with open(path, "wb") as f:
        f.write(b"%s\n%d %d\n65535\n" % (magic, w, h) + data)


def read_pnm(path, channels):
    with open(path, "rb") as f:
        raw = f.read()
    parts = raw.split(maxsplit=4)
    w, h, maxval = int(parts[1]), int(parts[2]), int(parts[3])
    assert maxval == 65535, maxval
    arr = np.frombuffer(parts[4][: w * h * channels * 2], dtype=">u2").astype(np.float64) / 65535
    return arr.reshape((h, w, channels) if channels > 1 else (h, w))


def motion_cases(grey, colour):
    convert = shutil.which("convert", path="/usr/bin")
    assert convert, "ImageMagick's convert is not in /usr/bin (apt-get install imagemagick)"
    cases = []
    tmp = tempfile.mkdtemp()
    for name, img, radius, sigma, angle in [
        ("grey", grey, 6, 1, 0),
        ("grey", grey, 6, 2, 30),
        ("grey", grey, 9, 2.5, -45),
        ("grey", grey, 10, 3, 17.5),
        ("grey", grey, 8, 2, 90),
        ("colour", colour, 6, 1.5, -20),
    ]:
        src = os.path.join(tmp, "in.pnm")
        dst = os.path.join(tmp, "out.pnm")
        write_pnm(src, img)
        subprocess.run([convert, src, "-motion-blur", "%gx%g%+g" % (radius, sigma, angle), "-depth", "16", dst], check=True)
        out = read_pnm(dst, 1 if img.ndim == 2 else 3)
        cases.append({"image": name, "radius": radius, "sigma": sigma, "angle": angle, "out": flat(out)})
    shutil.rmtree(tmp)
    return cases


def centred(matrix, shape):
    """skimage's transform with the translation that keeps the image centre fixed (MNIST-C's a3, b3)."""
    h, w = shape[:2]
    cx, cy = (w - 1) / 2, (h - 1) / 2
    a, b, c, d = matrix[0, 0], matrix[0, 1], matrix[1, 0], matrix[1, 1]
    m = np.array([[a, b, cx - a * cx - b * cy], [c, d, cy - c * cx - d * cy], [0, 0, 1]])
    return transform.AffineTransform(matrix=m)


def warp_cases(grey, colour):
    s = 0.7
    assert np.allclose(transform.AffineTransform(shear=s).params[:2, :2], [[1, -np.sin(s)], [0, np.cos(s)]])
    cases = []
    specs = [
        ("rotate", 0.6, lambda v: transform.AffineTransform(rotation=v).params),
        ("rotate", -1.0, lambda v: transform.AffineTransform(rotation=v).params),
        ("shear", 0.8, lambda v: transform.AffineTransform(shear=v).params),
        ("shear", -0.4, lambda v: transform.AffineTransform(shear=v).params),
        ("scale", 1 / 0.7, lambda v: transform.AffineTransform(scale=(v, v)).params),
    ]
    for name, img in [("grey", grey), ("colour", colour)]:
        for kind, value, params in specs:
            aff = centred(params(value), img.shape)
            out = transform.warp(img, inverse_map=aff, order=1, mode="constant", cval=0)
            cases.append({"image": name, "kind": kind, "value": value, "matrix": flat(aff.params[:2].ravel()), "out": flat(np.clip(out, 0, 1))})
        aff = transform.AffineTransform(translation=[3, -2])
        out = transform.warp(img, inverse_map=aff, order=1, mode="constant", cval=0)
        cases.append({"image": name, "kind": "translate", "value": [3, -2], "matrix": flat(aff.params[:2].ravel()), "out": flat(np.clip(out, 0, 1))})
    return cases


def brightness_cases(grey, colour):
    cases = []
    for c in [0.15, 0.3]:
        hsv = color.rgb2hsv(colour)
        hsv[:, :, 2] = np.clip(hsv[:, :, 2] + c, 0, 1)
        cases.append({"image": "colour", "c": c, "out": flat(np.clip(color.hsv2rgb(hsv), 0, 1))})
    c = 0.4
    hsv = color.rgb2hsv(color.gray2rgb(grey))
    hsv[:, :, 2] = np.clip(hsv[:, :, 2] + c, 0, 1)
    cases.append({"image": "grey", "c": c, "out": flat(np.clip(color.rgb2gray(color.hsv2rgb(hsv)), 0, 1))})
    return cases


def pixelate_cases(grey, colour):
    cases = []
    for name, img, c in [("grey", grey, 0.6), ("grey", grey, 0.25), ("grey", grey, 0.95), ("colour", colour, 0.65), ("colour", colour, 0.5)]:
        h, w = img.shape[:2]
        small = (int(w * c), int(h * c))  # PIL sizes are (width, height)
        chans = img[..., None] if img.ndim == 2 else img
        out = np.stack(
            [np.asarray(Image.fromarray(chans[..., k].astype(np.float32), mode="F").resize(small, Image.BOX).resize((w, h), Image.BOX)) for k in range(chans.shape[2])],
            axis=-1,
        )
        cases.append({"image": name, "c": c, "out": flat(np.clip(out, 0, 1))})
    return cases


def contrast_cases(grey, colour):
    cases = []
    for name, img, c in [("grey", grey, 0.3), ("colour", colour, 0.4)]:
        x = img if img.ndim == 3 else img[..., None]
        means = np.mean(x, axis=(0, 1), keepdims=True)
        cases.append({"image": name, "c": c, "out": flat(np.clip((x - means) * c + means, 0, 1))})
    return cases


def main():
    grey, colour = grey_image(), colour_image()
    out = {
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__, "skimage": skimage.__version__, "pillow": PIL.__version__, "imagemagick": subprocess.run(["/usr/bin/convert", "-version"], capture_output=True, text=True).stdout.split("\n")[0]},
        "grey": {"shape": list(GREY_SHAPE) + [1], "pixels": flat(grey)},
        "colour": {"shape": list(COLOUR_SHAPE), "pixels": flat(colour)},
        "gaussianBlur": blur_cases(grey, colour),
        "motionBlur": motion_cases(grey, colour),
        "warp": warp_cases(grey, colour),
        "brightness": brightness_cases(grey, colour),
        "pixelate": pixelate_cases(grey, colour),
        "contrast": contrast_cases(grey, colour),
    }
    json.dump(out, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
