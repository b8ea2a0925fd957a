"""Wrong on purpose: time_matmul returns the total of all timed runs, not one run's time.

Must fail: "time_matmul returns the time of one run, not the total of all runs" (the CUDA
check too, on a GPU machine).
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
    return sum(times)


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
    for n in sorted(sizes):
        if time_matmul(n, device) < time_matmul(n, "cpu"):
            return n
    return None
