"""Wrong on purpose: time_matmul multiplies float64 matrices instead of float32 ones.

Must fail: "time_matmul multiplies two n×n float32 matrices".
"""

import statistics
import time

import torch


def _synchronize(device):
    # CUDA kernels run asynchronously: wait for them before reading the clock.
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def time_matmul(n, device="cpu", repeats=10, warmup=2):
    a = torch.rand(n, n, device=device, dtype=torch.float64)
    b = torch.rand(n, n, device=device, dtype=torch.float64)
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
    for n in sorted(sizes):
        if time_matmul(n, device) < time_matmul(n, "cpu"):
            return n
    return None
