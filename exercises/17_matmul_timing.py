"""17 · Timing matrix products on CPU and GPU  (book: A.9, exercise A.4)

A GPU multiplies large matrices many times faster than a CPU, but launching work on it
costs time too, so for small matrices the CPU can win. Measure it, and measure it right:

    time_matmul(n, device="cpu", repeats=10, warmup=2)
        -> the median time in seconds (a Python float) of ONE (n×n) @ (n×n) float32
           matrix product on `device`:
           * make both inputs on `device` before you start timing
             (torch.rand(n, n, device=device)), so the copy is not timed;
           * run the product `warmup` times untimed first (the first runs pay for
             start-up work), then time `repeats` runs, one by one;
           * return the median of the per-run times, not their total.
           CUDA runs asynchronously: `a @ b` returns as soon as the work is queued.
           Call torch.cuda.synchronize() before each clock read on CUDA, or the clock
           measures only the queueing.

    crossover_size(sizes, device="cuda")
        -> the smallest n in `sizes` at which `device` is faster than the CPU, by
           comparing time_matmul(n, device) with time_matmul(n, "cpu"); None if the
           device never wins, and None (without timing anything) when the device is
           absent: torch.cuda.is_available() tells you for "cuda".

On a machine without a GPU the CUDA checks are skipped with the reason, and the exercise
passes on its CPU checks. Save the file: the dojo checks it. Stuck? `torch-dojo hint 17`.
"""

import statistics
import time

import torch


def time_matmul(n, device="cpu", repeats=10, warmup=2):
    """Median seconds of one (n×n) @ (n×n) float32 matrix product on `device`."""
    # TODO: make the inputs on the device, warm up, then time each run on its own.
    raise NotImplementedError


def crossover_size(sizes, device="cuda"):
    """The smallest n in `sizes` where `device` beats the CPU; None if never or absent."""
    # TODO: check the device exists, then compare time_matmul on both devices.
    raise NotImplementedError
