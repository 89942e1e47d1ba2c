#!/usr/bin/python3
"""The PyTorch side of bench/compare.py: the workloads of bench/workloads.cpp, the same work in
PyTorch 1.13 (Debian's python3-torch), float64, printed as one JSON object.

    torch_workloads.py xor-step     seed 002's 2-2-1 network, the four XOR examples, one SGD step
    torch_workloads.py chain        1,000,000 scalar ops h <- tanh(h) * w, forward and backward
    torch_workloads.py wide-step    [784,1024,1024,10] at batch 256, one SGD step
    torch_workloads.py grad-ratio   [784,100,10] at batch 64: forward alone, forward + backward
    torch_workloads.py conv         conv2d forward + backward, x (64,1,28,28), w (20,1,5,5), b (20)

--threads N sets torch's intra-op threads (run it with OPENBLAS_NUM_THREADS=N as well: Debian's
torch calls the pthread OpenBLAS, which set_num_threads does not limit). PyTorch keeps examples in
rows, tapegrad in columns: the same products, transposed. Times are medians over rounds."""
import argparse
import ctypes
import json
import statistics
import sys
import time

import torch

DT = torch.float64


def median_seconds(f, rounds=7):
    """The median time of one call of f over `rounds` rounds of at least 0.1 s (after a warm-up)."""
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            f()
        if time.perf_counter() - t0 >= 0.1:
            break
        n *= 2
    per_call = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(n):
            f()
        per_call.append((time.perf_counter() - t0) / n)
    return statistics.median(per_call)


def mlp(sizes):
    """Parameters W ~ N(0, 1/n_in) (out, in) and b ~ N(0, 1), as tapegrad's default init."""
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append((torch.randn(n_out, n_in, dtype=DT) / n_in ** 0.5).requires_grad_())
        params.append(torch.randn(n_out, dtype=DT).requires_grad_())
    return params


def logits(params, X):
    """z^L of a sigmoid MLP, X with one example per row."""
    a = X
    for i in range(0, len(params) - 2, 2):
        a = torch.sigmoid(a @ params[i].T + params[i + 1])
    return a @ params[-2].T + params[-1]


def sgd_step_seconds(params, loss_of, lr):
    opt = torch.optim.SGD(params, lr=lr)

    def step():
        opt.zero_grad()
        loss_of().backward()
        opt.step()
    return median_seconds(step)


def xor_step():
    X = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=DT)
    y = torch.tensor([[0], [1], [1], [0]], dtype=DT)
    params = mlp([2, 2, 1])
    # −1/m Σ [y ln a + (1 − y) ln(1 − a)] with a = σ(z), computed from z as tapegrad does
    s = sgd_step_seconds(params, lambda: torch.nn.functional.binary_cross_entropy_with_logits(logits(params, X), y),
                         0.5)
    return {"us_per_step": s * 1e6}


class MallInfo2(ctypes.Structure):
    """glibc's struct mallinfo2: what malloc holds (PyTorch's CPU tensors and graph nodes)."""
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]


def heap_bytes():
    """Bytes malloc has handed out and not yet taken back: in use from the heap, plus mmapped blocks."""
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd


def chain():
    """One round only: PyTorch takes about ten seconds for it."""
    ops = 1_000_000
    heap0 = heap_bytes()
    x = torch.tensor(0.5, dtype=DT, requires_grad=True)
    w = torch.tensor(1.0, dtype=DT, requires_grad=True)
    t0 = time.perf_counter()
    h = x
    for _ in range(ops // 2):
        h = torch.tanh(h) * w
    f = time.perf_counter() - t0
    heap = (heap_bytes() - heap0) / ops
    t0 = time.perf_counter()
    h.backward()
    b = time.perf_counter() - t0
    return {"ops": ops, "forward_ns_per_op": f * 1e9 / ops, "backward_ns_per_op": b * 1e9 / ops,
            "ns_per_op": (f + b) * 1e9 / ops, "heap_bytes_per_op": heap, "value_bytes_per_op": 8}


def one_hot_problem(n_in, batch):
    X = torch.rand(batch, n_in, dtype=DT)
    y = torch.randint(0, 10, (batch,))
    return X, y


def wide_step():
    params = mlp([784, 1024, 1024, 10])
    X, y = one_hot_problem(784, 256)
    s = sgd_step_seconds(params, lambda: torch.nn.functional.cross_entropy(logits(params, X), y), 0.1)
    return {"ms_per_step": s * 1e3}


def grad_ratio():
    params = mlp([784, 100, 10])
    X, y = one_hot_problem(784, 64)

    def forward():
        with torch.no_grad():
            torch.nn.functional.cross_entropy(logits(params, X), y).item()

    def gradient():
        torch.autograd.grad(torch.nn.functional.cross_entropy(logits(params, X), y), params)
    f, g = median_seconds(forward), median_seconds(gradient)
    return {"forward_us": f * 1e6, "autodiff_us": g * 1e6, "autodiff_ratio": g / f}


def conv():
    """network3's first layer shape at batch 64, as `workloads conv 64`: once with x a constant
    (a first layer), once with x requiring grad (a later layer)."""
    x = torch.rand(64, 1, 28, 28, dtype=DT)
    w = torch.rand(20, 1, 5, 5, dtype=DT).requires_grad_()
    b = torch.full((20,), 0.1, dtype=DT).requires_grad_()
    g = torch.rand(64, 20, 24, 24, dtype=DT)
    first = median_seconds(lambda: torch.nn.functional.conv2d(x, w, b).backward(g))
    x_layer = x.clone().requires_grad_()
    later = median_seconds(lambda: torch.nn.functional.conv2d(x_layer, w, b).backward(g))
    return {"batch": 64, "first_layer_ms": first * 1e3, "layer_ms": later * 1e3}


WORKLOADS = {"xor-step": xor_step, "chain": chain, "wide-step": wide_step, "grad-ratio": grad_ratio, "conv": conv}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workload", choices=sorted(WORKLOADS))
    parser.add_argument("--threads", type=int, default=1, help="intra-op threads (default 1)")
    args = parser.parse_args()
    if args.threads < 1:
        parser.error("--threads must be positive")
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    result = {"workload": args.workload, "torch_version": torch.__version__, "threads": torch.get_num_threads()}
    result.update(WORKLOADS[args.workload]())
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
