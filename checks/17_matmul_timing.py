"""Hidden checks: 17 matmul_timing.

Timings are noisy, so every timing check is tolerant (a factor of 3 or more) and measures
again before it fails. The CPU comparisons run on one thread, where a busy machine
disturbs them least; the CUDA reference uses CUDA events, which time the GPU itself.
"""

import contextlib
import math
import statistics

import pytest
import torch
from torch.overrides import TorchFunctionMode

from torch_dojo.testing import describe, fail, hint, in_learner_process, requires

SMALL = 256  # about 1 ms on one CPU thread: long enough to time, short enough to repeat
ATTEMPTS = 3
PRODUCTS = {"matmul", "__matmul__", "__rmatmul__", "mm", "addmm", "einsum"}
TIMINGS: dict = {}  # the learner's CPU timings per size, for the CUDA check to draw beside its own


class MatmulLog(TorchFunctionMode):
    """Records every matrix product torch runs while active: shapes, dtypes, devices."""

    def __init__(self):
        super().__init__()
        self.products = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in PRODUCTS:
            tensors = [a for a in args if isinstance(a, torch.Tensor)]
            self.products.append(([tuple(t.shape) for t in tensors], {t.dtype for t in tensors},
                                  {t.device.type for t in tensors}))
        return func(*args, **(kwargs or {}))

    def count(self, n):
        return sum(1 for shapes, _, _ in self.products if shapes.count((n, n)) >= 2)


@contextlib.contextmanager
def single_thread():
    """One CPU thread: on a busy machine, many-thread timings of small products are erratic."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@pytest.fixture
def one_thread():
    with single_thread():
        yield


def seconds(learner, n, device="cpu", **kwargs):
    """Call the learner's time_matmul and insist on a positive float of seconds."""
    return checked_seconds(learner.time_matmul(n, device, **kwargs), n, device, **kwargs)


def checked_seconds(got, n, device, **kwargs):
    args = ", ".join([str(n), repr(device)] + [f"{k}={v}" for k, v in kwargs.items()])
    if isinstance(got, torch.Tensor):
        fail(f"time_matmul({args}) returned {describe(got)}, expected a Python float of seconds",
             hint="Return a plain Python number of seconds, not a tensor: the clock's differences are "
                  "floats already.",
             then="return statistics.median(times), where times holds time.perf_counter() differences "
                  "(or float(t) of a one-number tensor t).")
    if isinstance(got, bool) or not isinstance(got, float):
        fail(f"time_matmul({args}) returned {describe(got)}, expected a Python float of seconds",
             hint="time.perf_counter() differences are floats in seconds; return their median.")
    if not math.isfinite(got) or got <= 0:
        fail(f"time_matmul({args}) returned {got!r}: a time must be a positive number of seconds",
             hint="Subtract the start time from the end time (end - start), both read with "
                  "time.perf_counter().")
    return got


def _logged(learner, n, device, **kwargs):
    """Runs where the learner's code runs: time_matmul, and the products it made."""
    with MatmulLog() as log:
        got = learner.time_matmul(n, device, **kwargs)
    return got, log.products


def timed_products(learner, n, device="cpu", **kwargs):
    """(the seconds time_matmul returned, a MatmulLog of the products it made)."""
    got, products = in_learner_process(learner, _logged, n, device, **kwargs)
    log = MatmulLog()
    log.products = products
    return checked_seconds(got, n, device, **kwargs), log


def products_run(learner, n, **kwargs):
    return timed_products(learner, n, "cpu", **kwargs)[1]


def benchmark_seconds(n):
    """An independent CPU reference: torch.utils.benchmark's median of one product."""
    import torch.utils.benchmark as benchmark

    a, b = torch.rand(n, n), torch.rand(n, n)
    timer = benchmark.Timer("a @ b", globals={"a": a, "b": b}, num_threads=torch.get_num_threads())
    # The median of five blocks of five products (each block after warm-up runs of its own):
    # blocked_autorange sizes its blocks for a clock overhead of 1e-4, 100 ms and more here.
    return statistics.median(timer.timeit(number=5).median for _ in range(5))


def cuda_event_seconds(n, repeats=10, warmup=3):
    """The GPU's own clock: the median of CUDA-event times of one product, after warm-up."""
    a = torch.rand(n, n, device="cuda")
    b = torch.rand(n, n, device="cuda")
    for _ in range(warmup):
        a @ b
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        a @ b
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1000)  # elapsed_time is in milliseconds
    return statistics.median(times)


# On every machine ------------------------------------------------------------------------


@hint("Read the clock with time.perf_counter() before and after each run and return the "
      "median of the differences: a Python float in seconds.")
def test_returns_seconds_as_a_float(learner):
    """time_matmul returns a time in seconds, as a Python float"""
    seconds(learner, 64, "cpu", repeats=3, warmup=1)


@hint("Two random n×n inputs on the device, in the default dtype (float32), multiplied with "
      "a matrix product.", then="a = torch.rand(n, n, device=device); b = torch.rand(n, n, device=device); "
      "then time a @ b (or torch.matmul(a, b)).")
def test_multiplies_two_n_by_n_float32_matrices(learner):
    """time_matmul multiplies two n×n float32 matrices"""
    n = 96
    log = products_run(learner, n, repeats=3, warmup=0)
    if not log.products:
        fail(f"time_matmul({n}, 'cpu') ran no matrix product that torch saw",
             hint="Time a product torch runs: the `@` operator, `torch.matmul` or `torch.mm`.",
             then="Time a @ b, torch.matmul(a, b) or torch.mm(a, b) on the two n×n tensors.")
    ours = [p for p in log.products if p[0].count((n, n)) >= 2]
    if not ours:
        shapes = " @ ".join(str(s) for s in log.products[0][0])
        fail(f"time_matmul({n}, 'cpu') multiplied {shapes}, expected two {n}×{n} matrices")
    dtypes = set().union(*(p[1] for p in ours))
    if dtypes != {torch.float32}:
        names = ", ".join(sorted(str(d).removeprefix("torch.") for d in dtypes))
        fail(f"time_matmul({n}, 'cpu') multiplied matrices of dtype {names}, expected float32",
             hint="The exercise compares float32 speed: make the inputs in the default dtype, and ask "
                  "for no other.",
             then="torch.rand(n, n, device=device) makes float32; no dtype=torch.float64, no integers.")


@hint("Untimed warm-up runs first, `warmup` of them, then exactly `repeats` timed runs: "
      "the numbers come from the arguments, not typed in.",
      then="for _ in range(warmup): a @ b   # before the timed loop; then for _ in range(repeats): time a @ b")
def test_runs_warmup_and_repeats_products(learner):
    """time_matmul runs `warmup` untimed products, then `repeats` timed ones"""
    n = 64
    base = products_run(learner, n, repeats=2, warmup=0).count(n)
    more_repeats = products_run(learner, n, repeats=7, warmup=0).count(n)
    more_warmup = products_run(learner, n, repeats=2, warmup=4).count(n)
    if base == 0:
        fail(f"time_matmul({n}, 'cpu', repeats=2, warmup=0) ran no {n}×{n} matrix product",
             hint="Time the matrix product of the two n×n inputs.", then="Time a @ b on the two n×n inputs.")
    if more_repeats - base < 5:
        fail(f"repeats=7 ran {more_repeats} products and repeats=2 ran {base}: "
             "`repeats` does not set how many runs are timed",
             hint="Time the product as many times as `repeats` says.", then="for _ in range(repeats): … time a @ b …")
    if more_warmup - base < 4:
        fail(f"warmup=4 ran {more_warmup} products and warmup=0 ran {base}: "
             "the warm-up runs are missing",
             hint="The first runs pay for one-off start-up work. Run the product `warmup` "
                  "times before the timed loop, and do not time those runs.",
             then="for _ in range(warmup): a @ b   # before the timed loop")


@hint("Keep one time per run and return their median: a sum (or the time of the whole loop) "
      "grows with `repeats`.", then="times.append(end - start) inside the loop; return statistics.median(times)")
def test_returns_the_time_of_one_run_not_the_total(learner, one_thread):
    """time_matmul returns the time of one run, not the total of all runs"""
    # The fastest of several calls each: noise on a busy machine only ever adds time, and a
    # spike in one of the two runs of `few` must not hide a total. `many` may stop at the
    # first call that is short enough: noise never makes a total look short.
    few = min(seconds(learner, SMALL, "cpu", repeats=2, warmup=1) for _ in range(ATTEMPTS + 2))
    many = math.inf
    for _ in range(ATTEMPTS + 2):
        many = min(many, seconds(learner, SMALL, "cpu", repeats=20, warmup=1))
        if many < 4 * few:
            return
    fail(f"time_matmul({SMALL}, 'cpu') gave {few:.3g} s with repeats=2 and {many:.3g} s with "
         f"repeats=20 (the fastest of {ATTEMPTS + 2} calls each): ten times the runs took "
         f"{many / few:.1f} times as long. That is the total of all runs; the time of one run does not "
         "depend on how many runs you make.")


@hint("Time only the product between the two clock reads: make the inputs before, and keep prints "
      "and list building outside. `time.perf_counter` counts in seconds, not milliseconds.",
      then="start = time.perf_counter(); a @ b; times.append(time.perf_counter() - start)")
def test_cpu_time_is_plausible(learner, one_thread):
    """time_matmul on the CPU agrees with torch.utils.benchmark"""
    for _ in range(ATTEMPTS):
        want = benchmark_seconds(SMALL)
        got = seconds(learner, SMALL, "cpu")
        ratio = got / want
        if 1 / 4 <= ratio <= 4:
            return
    what = f"time_matmul({SMALL}, 'cpu') returned {got:.3g} s; torch.utils.benchmark measured {want:.3g} s"
    if 300 <= ratio <= 3000:
        fail(f"{what}, about 1000 times less: your time looks like milliseconds",
             hint="Return seconds: time.perf_counter() differences, without multiplying by 1000.",
             then="return statistics.median(times), with times.append(end - start) (no * 1000)")
    if ratio > 4:
        fail(f"{what}: yours is {ratio:.0f} times longer than one product takes",
             hint="Time only the product: make the inputs before the first clock read, and "
                  "return one run's time, not a total.",
             then="a, b = torch.rand(n, n, device=device), torch.rand(n, n, device=device) before the "
                  "loop; inside it only start = time.perf_counter(); a @ b; times.append(time.perf_counter() - start)")
    fail(f"{what}: yours is {1 / ratio:.0f} times shorter than one product can take",
         hint="Read the clock right before and right after the product, and return the difference "
                  "in seconds.", then="start = time.perf_counter(); a @ b; end = time.perf_counter(); "
                  "times.append(end - start)")


@hint("The time must come from running the product on n×n inputs: a bigger n takes longer.")
def test_cpu_time_grows_with_n(learner, record):
    """time_matmul on the CPU takes longer for larger matrices"""
    sizes = [64, 128, 256, 512] + ([1024, 2048, 4096] if torch.cuda.is_available() else [])
    cpu = [seconds(learner, n, "cpu", repeats=5, warmup=1) for n in sizes]  # what the learner would see
    TIMINGS.update(sizes=sizes, cpu=cpu)
    record("timings", {"unit": "seconds", "sizes": sizes, "cpu": cpu})
    small, large = cpu[sizes.index(64)], cpu[sizes.index(512)]
    if large > 10 * small:  # on the learner's own timings; measured again on one thread before failing
        return
    with single_thread():
        for _ in range(ATTEMPTS):
            small = seconds(learner, 64, "cpu", repeats=5, warmup=1)
            large = seconds(learner, 512, "cpu", repeats=5, warmup=1)
            if large > 10 * small:
                return
    fail(f"time_matmul(512, 'cpu') gave {large:.3g} s and time_matmul(64, 'cpu') {small:.3g} s: "
         "a 512×512 product has 512 times the work of a 64×64 one, so it must take far longer")


# crossover_size, with a timing table instead of a clock ----------------------------------

TABLES = {
    "the GPU wins from 512 on": (
        [64, 128, 256, 512, 1024],
        {64: 2e-5, 128: 1.5e-4, 256: 1.1e-3, 512: 8e-3, 1024: 6e-2},
        {64: 9e-5, 128: 2e-4, 256: 1.2e-3, 512: 1.1e-3, 1024: 2e-3},
        512),
    "sizes in any order (the GPU wins from 256 on)": (
        [1024, 128, 512, 64, 256],
        {64: 2e-5, 128: 1.5e-4, 256: 1.1e-3, 512: 8e-3, 1024: 6e-2},
        {64: 9e-5, 128: 2e-4, 256: 9e-4, 512: 1.1e-3, 1024: 2e-3},
        256),
    "the GPU wins at once": (
        [32, 2048],
        {32: 4e-4, 2048: 0.5},
        {32: 1e-4, 2048: 4e-3},
        32),
    "the GPU never wins": (
        [16, 32, 48],
        {16: 1e-6, 32: 4e-6, 48: 1.2e-5},
        {16: 5e-5, 32: 5e-5, 48: 5e-5},
        None),
}


class FakeClock:
    """Stands in for the learner's time_matmul: answers from a table, remembers the calls."""

    def __init__(self, cpu, gpu, gpu_present=True):
        self.table = {"cpu": cpu, "cuda": gpu}
        self.gpu_present = gpu_present
        self.calls = []

    def __call__(self, n, device="cpu", repeats=10, warmup=2):
        kind = torch.device(device).type
        self.calls.append((n, kind))
        if kind == "cuda" and not self.gpu_present:
            raise RuntimeError("Torch not compiled with CUDA enabled (there is no CUDA GPU)")
        return self.table[kind][n]


def _crossover_with(learner, clock, present, sizes, device):
    """Runs where the learner's code runs: crossover_size with `clock` in place of the
    learner's time_matmul (where their crossover_size looks) and torch.cuda saying whether
    a GPU is `present`."""
    names = learner.__dict__
    mine = names.get("time_matmul")
    cuda = torch.cuda.is_available, torch.cuda.device_count
    names["time_matmul"] = clock
    torch.cuda.is_available, torch.cuda.device_count = (lambda: present), (lambda: int(present))
    try:
        return learner.crossover_size(sizes, device)
    finally:
        torch.cuda.is_available, torch.cuda.device_count = cuda
        if mine is None:
            names.pop("time_matmul", None)
        else:
            names["time_matmul"] = mine


@pytest.mark.parametrize("case", list(TABLES), ids=lambda c: c.split(" (")[0])
@hint("Go through the sizes from smallest to largest (see `sorted`) and return the first one where "
      "the device is faster than the CPU; when none is, return None.",
      then="for n in sorted(sizes): if time_matmul(n, device) < time_matmul(n, 'cpu'): return n; "
           "after the loop, return None.")
def test_crossover_size_from_a_timing_table(learner, case):
    """crossover_size returns the smallest size where the device beats the CPU"""
    sizes, cpu, gpu, want = TABLES[case]
    clock = FakeClock(cpu, gpu)
    got = in_learner_process(learner, _crossover_with, clock, True, list(sizes), "cuda")
    if got == want and (got is None or isinstance(got, int)):
        return
    table = "; ".join(f"n={n}: cpu {cpu[n]:.2g} s, cuda {gpu[n]:.2g} s" for n in sorted(sizes))
    what = f"With these times ({table}), crossover_size({sizes}, 'cuda') returned {got!r}, expected {want!r}"
    if not clock.calls:
        fail(what + ", and it never called time_matmul",
             hint="Get the times from your own `time_matmul`, on the device and on the CPU, for each size.",
             then="time_matmul(n, device) and time_matmul(n, 'cpu') for each n.")
    if {kind for _, kind in clock.calls} != {"cpu", "cuda"}:
        fail(what + f"; it timed only on {sorted({kind for _, kind in clock.calls})}",
             hint="Compare the same size on both: the device's time against the CPU's.",
             then="time_matmul(n, device) < time_matmul(n, 'cpu')")
    fail(what)


@hint("First ask whether the device is there at all (see `torch.cuda.is_available`), and return None "
      "before timing anything on it.",
      then="Start with `if not torch.cuda.is_available(): return None` (for device='cuda').")
def test_crossover_size_is_none_without_the_device(learner):
    """crossover_size returns None when the device is absent"""
    sizes, cpu, gpu, _ = TABLES["the GPU wins from 512 on"]
    try:
        got = in_learner_process(learner, _crossover_with, FakeClock(cpu, gpu, gpu_present=False), False,
                                 list(sizes), "cuda")
    except NotImplementedError:  # a RuntimeError too, but it means "not written yet"
        raise
    except RuntimeError as err:
        fail(f"With no CUDA GPU, crossover_size({sizes}, 'cuda') tried to time on it: {err}")
    if got is not None:
        fail(f"With no CUDA GPU, crossover_size({sizes}, 'cuda') returned {got!r}, expected None")


# On a CUDA machine -------------------------------------------------------------------------


@requires("cuda")
@pytest.mark.parametrize("n", [2048, 4096])
@hint("On CUDA a product only queues the work: wait for the GPU (see `torch.cuda.synchronize`) right "
      "before each clock read. Make the inputs on the device before timing, so no copy is timed.",
      then="a, b = torch.rand(n, n, device=device), torch.rand(n, n, device=device); then per run: "
           "torch.cuda.synchronize(); start = time.perf_counter(); a @ b; torch.cuda.synchronize(); "
           "times.append(time.perf_counter() - start)")
def test_cuda_time_agrees_with_cuda_events(learner, n):
    """time_matmul on CUDA agrees with the GPU's own clock (CUDA events)"""
    want = cuda_event_seconds(n)  # first, so CUDA and cuBLAS are started before the learner's call
    for _ in range(ATTEMPTS):
        got, log = timed_products(learner, n, "cuda")
        ours = [p for p in log.products if p[0].count((n, n)) >= 2]
        if ours and "cuda" not in set().union(*(p[2] for p in ours)):
            fail(f"time_matmul({n}, 'cuda') multiplied matrices on the CPU",
                 hint="Make both inputs on the device: `torch.rand` takes a `device`.",
                     then="torch.rand(n, n, device=device)")
        ratio = got / want
        if 0.3 <= ratio <= 3:
            return
        want = cuda_event_seconds(n)
    what = f"time_matmul({n}, 'cuda') returned {got:.3g} s; CUDA events measured {want:.3g} s per product"
    if ratio < 0.3:
        fail(f"{what}: yours is {1 / ratio:.0f} times shorter, so the clock stopped before the "
             "GPU finished. Synchronize before reading the clock.",
             hint="Call torch.cuda.synchronize() before each time.perf_counter() read: the product "
                  "returns as soon as it is queued, long before it is done.",
             then="torch.cuda.synchronize(); start = time.perf_counter(); a @ b; torch.cuda.synchronize(); "
                  "end = time.perf_counter()")
    fail(f"{what}: yours is {ratio:.1f} times longer. The timed region holds more than one "
         "product: inputs made on the CPU or moved to the GPU inside it, or the total of all "
         "runs.",
         hint="Make the inputs on the device before the timed loop, and time only the product.",
             then="a, b = torch.rand(n, n, device=device), torch.rand(n, n, device=device) before the "
                  "loop; time only a @ b.")


@requires("cuda")
@hint("crossover_size compares the GPU's time with the CPU's for each size, smallest first; at "
      "4096 the GPU wins by far.", then="for n in sorted(sizes): if time_matmul(n, device) < "
      "time_matmul(n, 'cpu'): return n")
def test_crossover_size_on_this_gpu(learner, record):
    """crossover_size finds where this GPU beats the CPU"""
    sizes = TIMINGS.get("sizes") or [64, 128, 256, 512, 1024, 2048, 4096]
    cpu = TIMINGS.get("cpu") or [seconds(learner, n, "cpu", repeats=5, warmup=1) for n in sizes]
    gpu = [seconds(learner, n, "cuda", repeats=5, warmup=2) for n in sizes]
    record("timings", {"unit": "seconds", "sizes": sizes, "cpu": cpu, "cuda": gpu})
    got = learner.crossover_size([64, 4096], "cuda")
    if got not in (64, 4096):
        fail(f"crossover_size([64, 4096], 'cuda') returned {got!r} on this GPU, expected 64 or "
             "4096: a 4096×4096 product is many times faster on the GPU")
