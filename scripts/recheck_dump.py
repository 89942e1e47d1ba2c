#!/usr/bin/python3
"""Re-checks a `tapegrad verify --dump DIR` in numpy, independently of tapegrad's C++ code.

Reads DIR/index.json and the .npy files it names, runs the forward pass and BP1-BP4 again in
numpy (Nielsen's notation: z^l = W^l a^(l-1) + b^l, a^l = act(z^l), one column per example),
and compares the result with both gradients tapegrad dumped (hand-written BP1-BP4 and autodiff).

    /usr/bin/python3 scripts/recheck_dump.py DIR [--tolerance 1e-9]

Prints a line per parameter and exits with 1 when a relative difference exceeds the tolerance.
"""
import argparse
import json
import os
import sys

import numpy as np


def act(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "identity":
        return z.copy()
    if name == "softmax":  # per column, shifted by the column's max for stability
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)
    raise SystemExit(f"unknown activation {name!r}")


def act_backward(name, z, a, g):
    """(da/dz)^T g, column by column: elementwise sigma'(z) * g, or softmax's Jacobian."""
    if name == "sigmoid":
        return g * a * (1.0 - a)
    if name == "tanh":
        return g * (1.0 - a * a)
    if name == "relu":
        return g * (z > 0.0)
    if name == "identity":
        return g
    if name == "softmax":  # J = diag(a) - a a^T  ->  J^T g = a * (g - sum(a * g))
        return a * (g - (a * g).sum(axis=0, keepdims=True))
    raise SystemExit(f"unknown activation {name!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--tolerance", type=float, default=1e-9)
    args = parser.parse_args()
    index = json.load(open(os.path.join(args.dir, "index.json")))
    if index.get("format") != "tapegrad-verify-dump":
        raise SystemExit(f"{args.dir}/index.json is not a tapegrad verify dump")
    load = lambda entry: np.load(os.path.join(args.dir, entry["file"]))
    X, Y = load(index["X"]), load(index["Y"])
    layers = index["layers"]
    W = [load(layer["W"]) for layer in layers]
    b = [load(layer["b"]) for layer in layers]
    hidden, output = index["hidden_activation"], index["output_activation"]
    cost = index["cost"]
    m = X.shape[1]
    L = len(W)

    # Forward: z^l, a^l for every layer (index 0 is the first weighted layer, Nielsen's l = 2).
    a, zs, acts = X, [], [X]
    for i in range(L):
        z = W[i] @ a + b[i]
        a = act(output if i == L - 1 else hidden, z)
        zs.append(z)
        acts.append(a)
    aL = acts[-1]

    # BP1: delta^L = (da/dz)^T grad_a C. Sigmoid + cross-entropy reduces to a - y (sigma'
    # cancels), softmax + log-likelihood to a * sum_k y_k - y (a - y where a column sums to 1);
    # the general form is used otherwise.
    kind = cost["kind"]
    if (kind, output) == ("cross_entropy", "sigmoid"):
        delta = aL - Y
    elif (kind, output) == ("log_likelihood", "softmax"):
        delta = aL * Y.sum(axis=0, keepdims=True) - Y
    else:
        if kind == "quadratic":
            grad_a = aL - Y
        elif kind == "cross_entropy":
            grad_a = (aL - Y) / (aL * (1.0 - aL))
        elif kind == "log_likelihood":
            grad_a = -Y / aL
        else:
            raise SystemExit(f"unknown cost {kind!r}")
        delta = act_backward(output, zs[-1], aL, grad_a)
    if cost["reduction"] == "mean":
        delta = delta / m

    # L2 adds kappa W^l to dC/dW^l: lambda/n (Nielsen's lambda/(2n) sum W^2) or lambda (lambda/2 sum W^2).
    reg = cost["regularization"]
    kappa = 0.0 if reg == "none" else cost["lambda"] / cost["n"] if reg.startswith("l2:") else cost["lambda"]

    dW, db = [None] * L, [None] * L
    for i in reversed(range(L)):
        dW[i] = delta @ acts[i].T + kappa * W[i]  # BP4: dC/dW^l = delta^l (a^(l-1))^T
        db[i] = delta.sum(axis=1, keepdims=True)  # BP3: dC/db^l = delta^l, summed over the batch
        if i > 0:  # BP2: delta^(l-1) = ((W^l)^T delta^l) * sigma'(z^(l-1))
            delta = act_backward(hidden, zs[i - 1], acts[i], W[i].T @ delta)

    worst = 0.0
    print(f"numpy re-check of {args.dir}: sizes {index['sizes']}, {hidden} hidden, {output} output, "
          f"{cost['description']}, batch {m}")
    print(f"{'param':<6} {'shape':<12} {'vs tapegrad BP1-BP4':>20} {'vs tapegrad autodiff':>21}")
    for i, layer in enumerate(layers):
        for name, mine in (("W", dW[i]), ("b", db[i])):
            rel = []
            for source in ("backprop", "autodiff"):
                theirs = load(layer[f"d{name}_{source}"])
                scale = max(np.abs(mine).max(), np.abs(theirs).max())
                rel.append(0.0 if scale == 0 else np.abs(mine - theirs).max() / scale)
            worst = max(worst, *rel) if np.isfinite(rel).all() else float("nan")  # a NaN fails
            print(f"{name}^{layer['layer']:<4} {str(mine.shape):<12} {rel[0]:>20.3e} {rel[1]:>21.3e}")
    ok = bool(worst <= args.tolerance)  # False for NaN
    print(f"{'OK' if ok else 'FAIL'}: largest relative difference {worst:.3e} (tolerance {args.tolerance:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
