"""Wrong on purpose: crossover_size returns the last size where the CPU still wins.

Must fail: "crossover_size returns the smallest size where the device beats the CPU".
"""

import statistics
import time

import torch


def _synchronize(device):
    # CUDA kernels run asynchronously: wait for them before reading the clock.
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def time_matmul(n, device="cpu", repeats=10, warmup=2):
    a = torch.rand(n, n, device=device)
    b = torch.rand(n, n, device=device)
    for _ in range(warmup):
        a @ b
    times = []
    for _ in range(repeats):
        _synchronize(device)
        start = time.perf_counter()
        a @ b
        _synchronize(device)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _available(device):
    kind = torch.device(device).type
    if kind == "cuda":
        return torch.cuda.is_available()
    if kind == "mps":
        return torch.backends.mps.is_available()
    return kind == "cpu"


def crossover_size(sizes, device="cuda"):
    if not _available(device):
        return None
    last = None
    for n in sorted(sizes):
        if time_matmul(n, device) >= time_matmul(n, "cpu"):
            last = n
    return last
