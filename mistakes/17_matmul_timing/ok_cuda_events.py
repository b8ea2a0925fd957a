"""Right, written another way: CUDA events on the GPU, time.perf_counter_ns on the CPU, the
median by sorting, and torch.cuda.device_count() to ask whether the GPU is there.

Must pass every check.
"""

import time

import torch


def _one_run(a, b):
    if a.device.type == "cuda":
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        torch.matmul(a, b)
        end.record()
        end.synchronize()
        return start.elapsed_time(end) / 1000.0
    begin = time.perf_counter_ns()
    torch.matmul(a, b)
    return (time.perf_counter_ns() - begin) / 1e9


def time_matmul(n, device="cpu", repeats=10, warmup=2):
    a, b = torch.rand(2, n, n, device=device).unbind(0)
    for _ in range(warmup):
        torch.matmul(a, b)
    times = sorted(_one_run(a, b) for _ in range(repeats))
    middle = len(times) // 2
    return times[middle] if len(times) % 2 else (times[middle - 1] + times[middle]) / 2


def crossover_size(sizes, device="cuda"):
    if device == "cuda" and torch.cuda.device_count() == 0:
        return None
    winners = [n for n in sizes if time_matmul(n, device) < time_matmul(n, "cpu")]
    return min(winners) if winners else None
