#!/usr/bin/env python3
"""numpy's ridge fits and leave-one-out scores for the ridge floor (src/experiment/floors/ridge.ts).

Prints one JSON object on stdout: small pools (inputs stored as float32, as a dwgd Dataset holds
them), a training list with repeated pool indices, and for each λ the weights, intercepts and
leave-one-out scores as numpy computes them. It is run once and its output kept as
src/experiment/floors/testing/ridge-numpy.json, which src/experiment/floors/floors.test.ts
compares with dwgd's floor:

    python3 scripts/ridge-numpy.py > src/experiment/floors/testing/ridge-numpy.json

The computation here shares nothing with dwgd's: the fit solves the normal equations of the
intercept-augmented design [1 X] with the penalty diag(0, λ, …, λ) (dwgd centres and solves the
d × d or n × n system), and leave-one-out refits without each left-out pool index (all copies
of it) instead of using the hat-matrix shortcut. Needs numpy only (apt-get install python3-numpy).
"""

import json

import numpy as np

LAMBDAS = [0.1, 1.0, 10.0]


def fit(X, Y, lam):
    """θ = argmin ‖Y − [1 X]θ‖² + λ‖θ[1:]‖², by the augmented normal equations."""
    Z = np.hstack([np.ones((X.shape[0], 1)), X])
    P = lam * np.eye(Z.shape[1])
    P[0, 0] = 0.0
    theta = np.linalg.solve(Z.T @ Z + P, Z.T @ Y)
    return theta[1:].T, theta[0]  # W (m × d), b (m)


def case(name, rng, pool, d, classes, train):
    X = rng.normal(size=(pool, d)).astype(np.float32).astype(np.float64)
    if classes:
        y = rng.integers(0, classes, size=pool).astype(np.float64)
    else:
        y = (X[:, 0] - 0.5 * X[:, 1] + 0.3 * rng.normal(size=pool)).astype(np.float32).astype(np.float64)
    train = np.array(train)
    m = classes if classes else 1
    Xl = X[train]
    Yl = np.eye(classes)[y[train].astype(int)] if classes else y[train][:, None]
    fits = []
    for lam in LAMBDAS:
        W, b = fit(Xl, Yl, lam)
        # Leave out each pool index with all its copies; predict its entries from the rest.
        resid = np.zeros_like(Yl)
        for i in np.unique(train):
            out = train == i
            Wi, bi = fit(Xl[~out], Yl[~out], lam)
            resid[out] = Yl[out] - (Xl[out] @ Wi.T + bi)
        squared = float(np.mean(np.sum(resid**2, axis=1)))
        entry = {"lambda": lam, "W": W.tolist(), "b": b.tolist(), "looSquared": squared}
        if classes:
            pred = Yl - resid
            entry["looAccuracy"] = float(np.mean(np.argmax(pred, axis=1) == y[train]))
        fits.append(entry)
    return {
        "name": name,
        "pool": pool,
        "nInputs": d,
        "classes": classes,
        "outputs": m,
        "x": X.ravel().tolist(),
        "y": y.tolist(),
        "train": train.tolist(),
        "fits": fits,
    }


def main():
    rng = np.random.default_rng(22)
    cases = [
        # n entries > d features: dwgd takes the primal (d × d) form.
        case("regression, n > d", rng, 14, 4, 0, [3, 0, 7, 3, 11, 5, 9, 0, 12, 3]),
        # n < d: the dual (n × n) form.
        case("regression, n < d", rng, 10, 12, 0, [1, 4, 4, 8, 0, 6, 9]),
        case("3 classes, n > d", rng, 16, 5, 3, [2, 15, 6, 6, 9, 0, 13, 4, 10, 2, 11, 7]),
        case("3 classes, n < d", rng, 9, 20, 3, [0, 2, 5, 5, 7, 1, 8, 3]),
    ]
    meta = {"numpy": np.__version__, "lambdas": LAMBDAS}
    print(json.dumps({"meta": meta, "cases": cases}, indent=1))


if __name__ == "__main__":
    main()
