#!/usr/bin/python3
"""One training epoch of `tapegrad train --data fashion-mnist` in PyTorch: [784, 100, 10],
sigmoid hidden, softmax output with the log-likelihood (cross_entropy on logits, mean over the
batch), float64, --threads threads (default one; 0: PyTorch's default), plain SGD η = 0.1, shuffled mini-batches of --batch (the last may be
smaller), tapegrad's default init (W ~ N(0, 1/n_in), b ~ N(0, 1)).
With --model lenet, `tapegrad train --model lenet` instead: conv 20 5×5 relu, max pool 2, conv 40
5×5 relu, max pool 2, fc 100 relu, softmax 10 on (1, 28, 28) images, He's init (W ~ N(0, 2/fan_in),
b = 0), the rest as above.

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


def load(kind, limit=0):
    """Images as rows of 784 pixels / 255 (float64) and labels as int64; the first `limit` of
    them if it is not 0, cut while they are still bytes (as tapegrad reads only what it keeps)."""
    images = read_idx(f"{DATA}/{kind}-images-idx3-ubyte.gz")
    labels = read_idx(f"{DATA}/{kind}-labels-idx1-ubyte.gz")
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{kind}: {images.shape[0]} images but {labels.shape[0]} labels")
    if limit:
        images, labels = images[:limit], labels[:limit]
    X = torch.from_numpy(images.reshape(images.shape[0], -1).astype(np.float64) / 255.0)
    return X, torch.from_numpy(labels.astype(np.int64))


def mlp(dtype):
    """[784, 100, 10], W ~ N(0, 1/n_in), b ~ N(0, 1): the parameters and the logits of X (rows)."""
    sizes = [784, 100, 10]
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append((torch.randn(n_out, n_in, dtype=dtype) / n_in ** 0.5).requires_grad_())
        params.append(torch.randn(n_out, dtype=dtype).requires_grad_())
    W2, b2, W3, b3 = params
    return params, lambda X: torch.sigmoid(X @ W2.T + b2) @ W3.T + b3


def lenet(dtype):
    """conv:20x5x5:relu,pool:2,conv:40x5x5:relu,pool:2,fc:100:relu,softmax:10, He's init:
    W ~ N(0, 2/fan_in), b = 0. X: (N, 1, 28, 28)."""
    F = torch.nn.functional

    def he(*shape):
        fan_in = 1
        for d in shape[1:]:
            fan_in *= d
        return (torch.randn(*shape, dtype=dtype) * (2.0 / fan_in) ** 0.5).requires_grad_()

    params = [he(20, 1, 5, 5), torch.zeros(20, dtype=dtype, requires_grad=True),
              he(40, 20, 5, 5), torch.zeros(40, dtype=dtype, requires_grad=True),
              he(100, 640), torch.zeros(100, dtype=dtype, requires_grad=True),
              he(10, 100), torch.zeros(10, dtype=dtype, requires_grad=True)]
    w1, b1, w2, b2, W3, b3, W4, b4 = params

    def logits(X):
        a = F.max_pool2d(F.relu(F.conv2d(X, w1, b1)), 2)
        a = F.max_pool2d(F.relu(F.conv2d(a, w2, b2)), 2)
        return F.relu(a.flatten(1) @ W3.T + b3) @ W4.T + b4

    return params, logits


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=64, help="examples per step (default 64)")
    parser.add_argument("--epochs", type=int, default=1, help="epochs to time (default 1)")
    parser.add_argument("--model", choices=("mlp", "lenet"), default="mlp",
                        help="mlp: [784,100,10] sigmoid (default); lenet: tapegrad's --model lenet")
    parser.add_argument("--train-size", type=int, default=0,
                        help="train on the first N images only (default 0: all 60,000), as tapegrad's --train-size")
    parser.add_argument("--test-size", type=int, default=0,
                        help="the first N test images only (default 0: all 10,000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the init and the shuffling (default 1)")
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op threads (default 1; set OPENBLAS_NUM_THREADS to the same number); "
                             "0: PyTorch's own default, as a user gets it")
    args = parser.parse_args()
    if args.batch < 1 or args.epochs < 1 or args.threads < 0 or args.train_size < 0 or args.test_size < 0:
        parser.error("--batch and --epochs must be positive, --threads, --train-size and --test-size positive or 0")

    if args.threads:
        torch.set_num_threads(args.threads)
    dtype = torch.float64
    X_train, y_train = load("train", args.train_size)
    X_test, y_test = load("t10k", args.test_size)
    m = X_train.shape[0]

    torch.manual_seed(args.seed)
    if args.model == "lenet":
        X_train, X_test = X_train.reshape(-1, 1, 28, 28), X_test.reshape(-1, 1, 28, 28)
    params, logits = (lenet if args.model == "lenet" else mlp)(dtype)
    opt = torch.optim.SGD(params, lr=0.1)
    shuffle = torch.Generator().manual_seed(args.seed)

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
        predicted = torch.cat([logits(X_test[k:k + 1000]).argmax(dim=1) for k in range(0, len(X_test), 1000)])
        accuracy = (predicted == y_test).double().mean().item()
    json.dump({"torch_version": torch.__version__, "model": args.model, "train_size": m, "threads": torch.get_num_threads(), "batch": args.batch,
               "seconds_per_epoch": statistics.median(times), "test_accuracy": accuracy}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
