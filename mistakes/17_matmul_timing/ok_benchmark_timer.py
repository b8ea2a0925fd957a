"""Right, written another way: torch.utils.benchmark.Timer does the timing (it synchronises
CUDA itself), after a warm-up loop of our own.

Must pass every check.
"""

import torch
import torch.utils.benchmark as benchmark


def time_matmul(n, device="cpu", repeats=10, warmup=2):
    a = torch.rand(n, n, device=device)
    b = torch.rand(n, n, device=device)
    for _ in range(warmup):
        a @ b
    timer = benchmark.Timer(stmt="a @ b", globals={"a": a, "b": b})
    runs = [timer.timeit(1).median for _ in range(repeats)]
    return float(torch.tensor(runs).median())


def crossover_size(sizes, device="cuda"):
    if not torch.cuda.is_available():
        return None
    for n in sorted(sizes):
        if time_matmul(n, device) < time_matmul(n, "cpu"):
            return n
    return None
