"""Wrong on purpose: time_matmul never synchronises CUDA, so on a GPU it times only the
queueing of the product. On the CPU it is right.

Caught only with: cuda.
Must fail: "time_matmul on CUDA agrees with the GPU's own clock (CUDA events)".
Says: "synchroni".
"""

import statistics
import time

import torch


def time_matmul(n, device="cpu", repeats=10, warmup=2):
    a = torch.rand(n, n, device=device)
    b = torch.rand(n, n, device=device)
    for _ in range(warmup):
        a @ b
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def crossover_size(sizes, device="cuda"):
    if not torch.cuda.is_available():
        return None
    for n in sorted(sizes):
        if time_matmul(n, device) < time_matmul(n, "cpu"):
            return n
    return None
