#!/usr/bin/python3
"""The training step of bench_step.cpp in PyTorch: [784, 100, 10], sigmoid hidden, softmax
output with the log-likelihood (cross_entropy on logits), float64, batch 64, one thread,
plain SGD. Prints the median time per step in microseconds as JSON."""
import json
import statistics
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)
dtype = torch.float64
batch = 64

# PyTorch keeps examples in rows; the work is the same as tapegrad's column layout.
W2 = (torch.randn(100, 784, dtype=dtype) / 784 ** 0.5).requires_grad_()
b2 = torch.randn(100, dtype=dtype).requires_grad_()
W3 = (torch.randn(10, 100, dtype=dtype) / 100 ** 0.5).requires_grad_()
b3 = torch.randn(10, dtype=dtype).requires_grad_()
params = [W2, b2, W3, b3]
X = torch.rand(batch, 784, dtype=dtype)
y = torch.randint(0, 10, (batch,))
opt = torch.optim.SGD(params, lr=0.1)


def step():
    opt.zero_grad()
    a2 = torch.sigmoid(X @ W2.T + b2)
    z3 = a2 @ W3.T + b3
    loss = torch.nn.functional.cross_entropy(z3, y)  # log-likelihood of softmax, mean over the batch
    loss.backward()
    opt.step()


for _ in range(50):
    step()
times = []
for _ in range(7):
    n = 200
    t0 = time.perf_counter()
    for _ in range(n):
        step()
    times.append((time.perf_counter() - t0) / n * 1e6)
print(json.dumps({"torch_version": torch.__version__, "threads": torch.get_num_threads(),
                  "us_per_step": statistics.median(times)}))
