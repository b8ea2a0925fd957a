"""Wrong on purpose: time_matmul makes the inputs on the CPU and moves them to the device
inside the timed region, so on a GPU it times the copy too. On the CPU it is nearly right.

Caught only with: cuda.
Must fail: "time_matmul on CUDA agrees with the GPU's own clock (CUDA events)".
Says: "timed region holds more than one product".
"""

import statistics
import time

import torch


def _synchronize(device):
    # CUDA kernels run asynchronously: wait for them before reading the clock.
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize(device)


def time_matmul(n, device="cpu", repeats=10, warmup=2):
    a = torch.rand(n, n)
    b = torch.rand(n, n)
    for _ in range(warmup):
        a.to(device) @ b.to(device)
    times = []
    for _ in range(repeats):
        _synchronize(device)
        start = time.perf_counter()
        a.to(device) @ b.to(device)
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
