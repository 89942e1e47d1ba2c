#!/usr/bin/python3
"""One training epoch of `tapegrad train --data fashion-mnist` in PyTorch: [784, 100, 10],
sigmoid hidden, softmax output with the log-likelihood (cross_entropy on logits, mean over the
batch), float64, --threads threads (default one; 0: PyTorch's default), plain SGD η = 0.1, shuffled mini-batches of --batch (the last may be
smaller), tapegrad's default init (W ~ N(0, 1/n_in), b ~ N(0, 1)).

Times --epochs epochs (default 1) of steps only: each epoch's shuffle, batch gathering, forward,
backward and SGD update, as tapegrad's CSV `seconds` does; loading the data and evaluating are
not timed. Prints JSON: torch_version, threads, batch, seconds_per_epoch (the median over the
epochs) and test_accuracy (after the timed epochs, to check that it really trains).
Run with Debian's /usr/bin/python3 (python3-torch, python3-numpy)."""
import argparse
import gzip
import json
import statistics
import sys
import time

import numpy as np
import torch

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    """An IDX file (gzipped) as a numpy array: magic 0x00 0x00 <type> <rank>, then <rank>
    big-endian uint32 dimensions, then the data (here unsigned bytes, type 0x08)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(f"{path}: not an IDX file (magic {raw[:4].hex()})")
    if raw[2] != 0x08:
        raise ValueError(f"{path}: element type 0x{raw[2]:02x}, expected 0x08 (unsigned byte)")
    rank = raw[3]
    dims = [int(d) for d in np.frombuffer(raw, dtype=">u4", count=rank, offset=4)]
    start = 4 + 4 * rank
    count = int(np.prod(dims))
    if len(raw) - start != count:
        raise ValueError(f"{path}: {len(raw) - start} bytes of data for dimensions {dims}")
    return np.frombuffer(raw, dtype=np.uint8, count=count, offset=start).reshape(dims)


def load(kind):
    """Images as rows of 784 pixels / 255 (float64) and labels as int64."""
    images = read_idx(f"{DATA}/{kind}-images-idx3-ubyte.gz")
    labels = read_idx(f"{DATA}/{kind}-labels-idx1-ubyte.gz")
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{kind}: {images.shape[0]} images but {labels.shape[0]} labels")
    X = torch.from_numpy(images.reshape(images.shape[0], -1).astype(np.float64) / 255.0)
    return X, torch.from_numpy(labels.astype(np.int64))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=64, help="examples per step (default 64)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs to time (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the init and the shuffling (default 1)")
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op threads (default 1; set OPENBLAS_NUM_THREADS to the same number); "
                             "0: PyTorch's own default, as a user gets it")
    args = parser.parse_args()
    if args.batch < 1 or args.epochs < 1 or args.threads < 0:
        parser.error("--batch and --epochs must be positive, --threads positive or 0")

    if args.threads:
        torch.set_num_threads(args.threads)
    dtype = torch.float64
    X_train, y_train = load("train")
    X_test, y_test = load("t10k")
    m = X_train.shape[0]

    torch.manual_seed(args.seed)
    sizes = [784, 100, 10]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):  # W ~ N(0, 1/n_in), b ~ N(0, 1)
        params.append((torch.randn(n_out, n_in, dtype=dtype) / n_in ** 0.5).requires_grad_())
        params.append(torch.randn(n_out, dtype=dtype).requires_grad_())
    W2, b2, W3, b3 = params
    opt = torch.optim.SGD(params, lr=0.1)
    shuffle = torch.Generator().manual_seed(args.seed)

    def logits(X):
        return torch.sigmoid(X @ W2.T + b2) @ W3.T + b3

    times = []
    for _ in range(args.epochs):
        t0 = time.perf_counter()
        order = torch.randperm(m, generator=shuffle)
        for start in range(0, m, args.batch):
            idx = order[start:start + args.batch]
            Xb, yb = X_train[idx], y_train[idx]
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(logits(Xb), yb)  # −1/m Σ ln softmax(z)_y
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - t0)

    with torch.no_grad():
        accuracy = (logits(X_test).argmax(dim=1) == y_test).double().mean().item()
    json.dump({"torch_version": torch.__version__, "threads": torch.get_num_threads(), "batch": args.batch,
               "seconds_per_epoch": statistics.median(times), "test_accuracy": accuracy}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
