#!/usr/bin/env python3
"""numpy's own output for `split: authors` (src/data/authors-split.ts, src/data/numpy-legacy.ts).

Prints one JSON object on stdout: the training lists the authors' NNforshow.py draws
(`np.random.seed(5)` then `np.random.randint(0, high=MAXNUM, size=n)`) for each dataset's MAXNUM
and n in 100, 500, 1000, and further cases of numpy's legacy generator (other seeds, bounds that
are powers of two or just above, bounds above 2**32, one stream shared by several calls). It is
run once and its output kept as src/data/testing/numpy-legacy.json, which
src/data/numpy-legacy.test.ts reproduces index by index:

    python3 scripts/numpy-authors-lists.py > src/data/testing/numpy-legacy.json

Needs numpy only (Debian: apt-get install python3-numpy). The legacy RandomState stream is
frozen by numpy's compatibility policy, so any numpy version gives the same numbers; the script
checks a few things it relies on and stops with an error if one fails.
"""

import json
import sys

import numpy as np

# MAXNUM as each notebook of github.com/Dataojitori/Dual-Weight-NN sets it (the pool size).
AUTHORS_MAXNUM = {
    "mnist": 55000,  # classification_mnist.ipynb
    "fashion-mnist": 60000,  # classification_fashion.ipynb
    "cifar-10": 10000,  # classification_cifar10.ipynb
    "california-housing": 20433,  # regression_house.ipynb
    "wine-quality": 4898,  # regression_wine.ipynb
}
AUTHORS_SEED = 5
AUTHORS_SIZES = [100, 500, 1000]


def authors_list(maxnum, n):
    """Exactly the two lines of NNforshow.py's Regression and Classification constructors."""
    np.random.seed(AUTHORS_SEED)
    return np.random.randint(0, high=maxnum, size=n)


def check(ok, what):
    if not ok:
        sys.exit(f"numpy-authors-lists.py: {what}")


def ints(a):
    return [int(v) for v in a]


authors = []
for name, maxnum in AUTHORS_MAXNUM.items():
    for n in AUTHORS_SIZES:
        drawn = authors_list(maxnum, n)
        check(drawn.dtype == np.int64, f"randint's default dtype is {drawn.dtype} here, not int64")
        # The authors ran on Windows, where numpy < 2 makes randint's default dtype int32; the
        # 32-bit path must give the same stream for these bounds.
        np.random.seed(AUTHORS_SEED)
        as32 = np.random.randint(0, high=maxnum, size=n, dtype=np.int32)
        check(ints(as32) == ints(drawn), f"{name} n={n}: dtype int32 gives another list")
        authors.append({"dataset": name, "maxnum": maxnum, "n": n, "indices": ints(drawn)})

# The seeding: np.random.seed(s) for an int s fills the 624-word state with init_genrand(s)
# (not init_by_array([s])); the first words of the state say which.
state = {}
for s in [5, 0, 4294967295]:
    np.random.seed(s)
    key = np.random.get_state()[1]
    state[str(s)] = ints(key[:4]) + ints(key[-2:])
# A list seeds through init_by_array: other words (a 0-d array would squeeze to the int path).
np.random.seed([5])
state["[5]"] = ints(np.random.get_state()[1][:4])

# Raw 32-bit outputs: randint(0, 2**32) takes one untouched 32-bit output per value.
raw = {}
for s in [5, 5489]:
    rs = np.random.RandomState(s)
    raw[str(s)] = ints(rs.randint(0, 2**32, size=8, dtype=np.int64))

# Other seeds, bounds and sizes: each case from a freshly seeded RandomState.
cases = []
for seed in [0, 1, 5, 42, 4294967295]:
    for low, high, size in [
        (0, 1, 5),  # one value: nothing drawn
        (0, 2, 12),
        (0, 7, 12),
        (0, 65536, 8),  # a power of two
        (0, 65537, 8),  # just above one: mask 2**17 - 1, many rejections
        (0, 2**31, 6),
        (0, 2**31 + 1, 6),
        (0, 2**32, 6),  # the full 32-bit range
        (0, 2**32 + 1, 6),  # just above it: 64-bit draws
        (0, 2**40 + 3, 6),
        (0, 10**15, 6),
        (3, 17, 10),  # low > 0
        (-50, 50, 10),
        (0, 55000, 0),
    ]:
        rs = np.random.RandomState(seed)
        cases.append({"seed": seed, "low": low, "high": high, "values": ints(rs.randint(low, high, size=size))})

# One stream through several calls: what a call leaves behind is where the next one starts.
rs = np.random.RandomState(5)
calls = [(0, 1, 3), (0, 10, 4), (0, 2**32 + 1, 3), (0, 55000, 4), (0, 65537, 3)]
sequence = {"seed": 5, "calls": [{"low": lo, "high": hi, "values": ints(rs.randint(lo, hi, size=k))} for lo, hi, k in calls]}

print(json.dumps({
    "generatedBy": "scripts/numpy-authors-lists.py",
    "numpy": np.__version__,
    "authorsSeed": AUTHORS_SEED,
    "authors": authors,
    "state": state,
    "raw": raw,
    "cases": cases,
    "sequence": sequence,
}, separators=(",", ":")))
