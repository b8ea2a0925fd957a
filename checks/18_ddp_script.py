"""Hidden checks: 18 ddp_script.

Each check run launches the learner's file under torchrun twice (the checks share them: a
launch costs about a second with its ranks forked, several where they start fresh, as with
a GPU):

- a *probe* run on 3 processes: every rank imports the file and runs `probe` below, which
  calls ddp_setup(), make_train_loader() on a dataset of numbered examples and train(), and
  reports what it saw. Three ranks, not two, so that a world size typed in as 2 shows.
- a *script* run on 2 processes, the way the learner runs it: the file as __main__.

Without enough GPUs the ranks run on the CPU with CUDA hidden (gloo); with a GPU, one more
run puts a single rank on it with nccl.
"""

import inspect
import re

import pytest

from torch_dojo.testing import fail, hint, requires, run_torchrun

PROBE_RANKS = 3
SCRIPT_RANKS = 2
TIMEOUT = 90  # seconds per launch: a healthy one takes ~1 s on a 2-core machine (ranks forked), 20 s when they start fresh on a busy one
EXAMPLES = 12  # the probe dataset: examples numbered 0..11, a multiple of every rank count
EPOCHS = 4  # not train()'s default, so that a loop of 3 typed in shows

HANG_HINT = ("Every rank must make the same collective calls (init_process_group, DDP's "
             "backward, barrier) in the same order: a rank that skips one leaves the others "
             "waiting forever. Keep rank-0-only work (printing) free of them, and pass "
             "init_process_group the rank and world size torchrun gave this process.")
BACKEND_CODE = "backend = 'nccl' if torch.cuda.is_available() else 'gloo'"
KNOWN = [  # (pattern in the error's message, hint, the hint when it fails again)
    (r"NCCL|nccl", "NCCL needs CUDA GPUs: choose the backend by whether this machine has one (gloo "
     "runs on the CPU).", BACKEND_CODE),
    (r"\brank=", "Read the rank from torchrun's environment, never type it in.",
     "rank = int(os.environ['RANK'])"),
    (r"world_size=", "Read the world size from torchrun's environment, never type it in.",
     "world_size = int(os.environ['WORLD_SIZE'])"),
    (r"mutually exclusive with shuffle",
     "The DistributedSampler does the shuffling: give the loader the sampler and leave `shuffle` out.",
     "DataLoader(dataset, batch_size=batch_size, sampler=DistributedSampler(dataset)), no shuffle=True"),
    (r"Default process group has not been initialized",
     "ddp_setup() must start the process group (see `init_process_group`); train() runs after it.",
     "torch.distributed.init_process_group(backend=backend) in ddp_setup()"),
    (r"KeyError: '(RANK|WORLD_SIZE|LOCAL_RANK)'",
     "torchrun sets RANK, WORLD_SIZE and LOCAL_RANK in the environment: read them inside ddp_setup(), "
     "not when the file is imported.", "rank = int(os.environ['RANK']) inside ddp_setup()"),
    (r"Connection closed by peer|Connection reset by peer",
     "This rank waited in a collective call (barrier, all_reduce, send/recv) that another rank "
     "never made: that rank finished and left. Every rank must make the same collective calls; "
     "keep rank-0-only work (printing) free of them.", ""),
]


class DDPSetupError(RuntimeError):
    """Raised by the probe when ddp_setup asks init_process_group for the wrong thing."""


def probe(module):
    """Runs on every rank of the probe run: what ddp_setup, the loader and train() do."""
    import os

    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel
    from torch.utils.data import TensorDataset
    from torch.utils.data.distributed import DistributedSampler

    env = {name: int(os.environ[name]) for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    seen = {"set_epoch": [], "ddp": 0, "set_device": []}

    real_init = dist.init_process_group

    def init_process_group(*args, **kwargs):
        # Say what is wrong now: a wrong rank or world size would leave every rank waiting.
        asked = inspect.signature(real_init).bind_partial(*args, **kwargs).arguments
        backend, rank, world_size = asked.get("backend"), asked.get("rank", -1), asked.get("world_size", -1)
        seen["backend"] = None if backend is None else str(backend)
        if backend is not None and "nccl" in str(backend).lower() and not torch.cuda.is_available():
            raise DDPSetupError(f"ddp_setup asked for backend {str(backend)!r}, but this process has no "
                                "CUDA GPU (torch.cuda.is_available() is False) and NCCL only runs on GPUs")
        if rank not in (-1, None) and rank != env["RANK"]:
            raise DDPSetupError(f"ddp_setup passed rank={rank!r} to init_process_group, but torchrun "
                                f"started this process as rank {env['RANK']} (RANK={env['RANK']})")
        if world_size not in (-1, None) and world_size != env["WORLD_SIZE"]:
            raise DDPSetupError(f"ddp_setup passed world_size={world_size!r} to init_process_group, but "
                                f"torchrun started {env['WORLD_SIZE']} processes (WORLD_SIZE={env['WORLD_SIZE']})")
        return real_init(*args, **kwargs)

    real_set_device = torch.cuda.set_device

    def set_device(device):
        seen["set_device"].append(str(device))
        return real_set_device(device)

    real_set_epoch = DistributedSampler.set_epoch

    def set_epoch(self, epoch):
        seen["set_epoch"].append(epoch)
        return real_set_epoch(self, epoch)

    real_ddp_init = DistributedDataParallel.__init__

    def ddp_init(self, *args, **kwargs):
        seen["ddp"] += 1
        real_ddp_init(self, *args, **kwargs)

    dist.init_process_group = init_process_group
    torch.cuda.set_device = set_device
    for name, value in list(vars(module).items()):  # `from torch.distributed import ...` too
        if value is real_init:
            setattr(module, name, init_process_group)
        elif value is real_set_device:
            setattr(module, name, set_device)
    DistributedSampler.set_epoch = set_epoch
    DistributedDataParallel.__init__ = ddp_init

    setup = module.ddp_setup()
    data = {
        "env": env,
        "setup": list(setup) if isinstance(setup, (tuple, list)) else repr(setup),
        "group": [dist.get_rank(), dist.get_world_size(), str(dist.get_backend())]
        if dist.is_initialized() else None,
        "cuda": torch.cuda.is_available(),
    }

    numbered = TensorDataset(torch.arange(EXAMPLES, dtype=torch.float32).repeat(2, 1).T,
                             torch.arange(EXAMPLES))
    loader = module.make_train_loader(numbered, batch_size=2)
    data["sampler"] = type(getattr(loader, "sampler", None)).__name__
    data["labels"] = [int(i) for batch in loader for i in batch[1].flatten().tolist()]

    seen["set_epoch"].clear()  # only the calls train() makes
    model = module.train(num_epochs=EPOCHS)
    if isinstance(model, DistributedDataParallel):
        model = model.module
    if isinstance(model, torch.nn.Module):
        weights = [p.detach().cpu().flatten() for p in model.parameters()]
        data["weights"] = torch.cat(weights).tolist() if weights else []
        data["weights_device"] = sorted({p.device.type for p in model.parameters()})
    else:
        data["weights"] = None
        data["returned"] = repr(model)[:80]
    return {**data, **seen}


def run_as_script(module):
    """Runs on every rank of the script run: the file as __main__, as torchrun runs it."""
    import runpy

    import torch.distributed as dist

    runpy.run_path(module.__file__, run_name="__main__")
    return {"left_group": not dist.is_initialized()}


# The launches, shared by the checks -------------------------------------------------------

RUNS: dict = {}  # key -> TorchrunResult, each launch made once per check run
RANKS = {"probe": PROBE_RANKS, "script": SCRIPT_RANKS, "gpu": 1}


def launch(key, learner_path, fn, **kwargs):
    """The launch `key`, made on first use; skipped when an earlier launch hung."""
    if key not in RUNS:
        if any(run.timed_out for run in RUNS.values()):
            pytest.skip("not run: an earlier launch of your script hung (see the failed check), "
                        "and this one would wait as long")
        if any(DDPSetupError.__name__ in run.errors() for run in RUNS.values()):
            pytest.skip("not run: ddp_setup asks init_process_group for the wrong thing (see the "
                        "failed check), and without the checks' guard the ranks would wait forever")
        RUNS[key] = run_torchrun(learner_path, nproc=RANKS[key], probe=fn, timeout=TIMEOUT, **kwargs)
    return RUNS[key]


def judge_launch(key, *, report):
    """Fail (report=True) or skip (report=False) unless every rank of launch `key` finished."""
    run = RUNS[key]
    how = {"probe": f"torchrun --nproc_per_node={PROBE_RANKS} (ddp_setup, make_train_loader and "
                    "train on every rank)",
           "script": f"torchrun --nproc_per_node={SCRIPT_RANKS} on your file",
           "gpu": "torchrun --nproc_per_node=1 with the GPU visible"}[key]
    problem, advice, code = "", "", ""
    if run.timed_out:
        problem = (f"{how} was still running after {TIMEOUT} s, so it was stopped with all its "
                   "processes. The ranks were most likely waiting for each other.")
        advice = HANG_HINT
    elif run.errors():
        error = run.errors()
        problem = f"{how} stopped with an error on {error}"
        message = error.split("\n  raised in your file")[0]  # not the quoted line of code
        advice, code = next(((text, then) for pattern, text, then in KNOWN if re.search(pattern, message)),
                            ("The line of your file the error names is where that rank stopped.", ""))
    elif len(run.ranks) < RANKS[key] or any(r.data is None for r in run.ranks):
        problem = (f"{how} ended without every rank reporting (torchrun exit code "
                   f"{run.returncode}):\n{run.output[-1200:]}")
    if not problem:
        return
    if report:
        fail(problem, hint=advice, then=code)
    pytest.skip("not judged: the launch it needs did not finish (see the failed check)")


@pytest.fixture(scope="module")
def probe_run(learner_path):
    return launch("probe", learner_path, probe)


@pytest.fixture(scope="module")
def script_run(learner_path):
    return launch("script", learner_path, run_as_script)


def ranks(run):
    return sorted(run.ranks, key=lambda r: r.rank)


# The probe run: 3 processes -----------------------------------------------------------------


@hint("Read the traceback: the line of your file it names is where the rank stopped.")
def test_functions_run_on_three_processes(probe_run):
    """ddp_setup, make_train_loader and train run under torchrun on 3 processes"""
    judge_launch("probe", report=True)


@hint("torchrun tells each process who it is, in environment variables: read them and return "
      "them; never type in 0, 1 or 2.",
      then="rank = int(os.environ['RANK']); world_size = int(os.environ['WORLD_SIZE']); return rank, world_size")
def test_ddp_setup_reads_rank_and_world_size(probe_run):
    """ddp_setup returns (rank, world_size) from torchrun's environment"""
    judge_launch("probe", report=False)
    for report in ranks(probe_run):
        data = report.data
        want = [data["env"]["RANK"], data["env"]["WORLD_SIZE"]]
        if data["setup"] != want:
            fail(f"On rank {want[0]} of {want[1]}, ddp_setup() returned {data['setup']}, expected "
                 f"({want[0]}, {want[1]}) (RANK={want[0]} and WORLD_SIZE={want[1]} in its environment)")
        if data["group"] is None:
            fail("After ddp_setup() the process group is not started",
                 hint="ddp_setup() must start the process group: see `init_process_group`.",
                 then="torch.distributed.init_process_group(backend=backend) in ddp_setup()")
        if data["group"][:2] != want:
            fail(f"On rank {want[0]}, the process group says rank {data['group'][0]} of "
                 f"{data['group'][1]}, expected rank {want[0]} of {want[1]}")
        if not data["cuda"] and "gloo" not in data["group"][2]:
            fail(f"Without CUDA, ddp_setup started the group with backend {data['group'][2]!r}, "
                 "expected 'gloo'",
                 hint="gloo runs on the CPU, nccl only on GPUs: choose by whether this machine has one.",
                 then=BACKEND_CODE)


@hint("Give the DataLoader a `DistributedSampler`: it splits the dataset by the rank and world "
      "size of the process group, so the ranks never share an example.",
      then="DataLoader(dataset, batch_size=batch_size, sampler=DistributedSampler(dataset))")
def test_each_rank_gets_its_own_share(probe_run):
    """make_train_loader gives each rank a disjoint share of the data"""
    judge_launch("probe", report=False)
    shares = {r.rank: r.data["labels"] for r in ranks(probe_run)}
    everything = list(range(EXAMPLES))
    what = (f"make_train_loader(dataset, batch_size=2) on a dataset of {EXAMPLES} numbered "
            f"examples, on {PROBE_RANKS} ranks, gave " +
            "; ".join(f"rank {rank}: {sorted(share)}" for rank, share in shares.items()))
    if all(sorted(share) == everything for share in shares.values()):
        fail(f"{what}. Every rank saw every example, so the ranks train on the same data: the "
             f"loader has no DistributedSampler (its sampler is a "
             f"{ranks(probe_run)[0].data['sampler']}).")
    for rank, share in shares.items():
        for other, theirs in shares.items():
            both = sorted(set(share) & set(theirs))
            if other > rank and both:
                fail(f"{what}. Ranks {rank} and {other} both saw examples {both}.",
                     hint="Let the sampler take the number of replicas and the rank from the process group: "
                          "do not pass them typed in.", then="sampler=DistributedSampler(dataset)")
    missing = sorted(set(everything) - {i for share in shares.values() for i in share})
    if missing:
        fail(f"{what}. No rank saw examples {missing}.",
             hint="Use the whole dataset, and the batch size you were given.",
             then="DataLoader(dataset, batch_size=batch_size, sampler=DistributedSampler(dataset))")


@hint("Tell the sampler the epoch at the start of every epoch (see `set_epoch`): it shuffles "
      "with the epoch as its seed, so without it every epoch has the same order.",
      then="for epoch in range(num_epochs): train_loader.sampler.set_epoch(epoch); ...")
def test_set_epoch_every_epoch(probe_run):
    """train calls set_epoch at the start of every epoch"""
    judge_launch("probe", report=False)
    for report in ranks(probe_run):
        calls = report.data["set_epoch"]
        if not calls:
            fail(f"train(num_epochs={EPOCHS}) never called set_epoch on the DistributedSampler "
                 f"(on rank {report.rank})")
        if len(set(calls)) < EPOCHS:
            fail(f"train(num_epochs={EPOCHS}) called set_epoch with {calls} on rank {report.rank}: "
                 f"expected a different epoch number for each of the {EPOCHS} epochs",
                 hint="Pass `set_epoch` the loop's epoch number, once per epoch, and loop for `num_epochs` "
                      "epochs (do not type in 3).",
                 then="for epoch in range(num_epochs): train_loader.sampler.set_epoch(epoch)")


@hint("Wrap the model in DDP before training, and train the wrapped one: its backward averages "
      "the gradients of all ranks, so every copy takes the same step.",
      then="model = DDP(model) before the loop, and call model(features) on that DDP model")
def test_copies_stay_identical(probe_run):
    """train wraps the model in DDP, so every rank ends with the same weights"""
    judge_launch("probe", report=False)
    reports = ranks(probe_run)
    for report in reports:
        if report.data["weights"] is None:
            fail(f"train(num_epochs={EPOCHS}) returned {report.data['returned']}, expected the "
                 "trained model (an nn.Module)",
                 hint="End train() with `return model` (or model.module for the model inside DDP).")
    first = reports[0].data["weights"]
    for report in reports[1:]:
        theirs = report.data["weights"]
        if len(theirs) != len(first):
            fail(f"Rank 0 and rank {report.rank} returned models of different sizes")
        drift = max((abs(a - b) for a, b in zip(first, theirs)), default=0.0)
        if drift > 1e-5:
            never = report.data["ddp"] == 0
            fail(f"After train(num_epochs={EPOCHS}) the weights of rank 0 and rank {report.rank} "
                 f"differ by up to {drift:.3g}: each rank trained a copy of its own"
                 + (", and train() never made a DistributedDataParallel."
                    if never else ", although train() made a DistributedDataParallel: the "
                                  "forward pass must go through the DDP model."))


# The script run: 2 processes, the file as __main__ -------------------------------------------


@hint("Print from one rank only, rank 0, with 'accuracy' in the line.",
      then="if rank == 0: print(f\"Test accuracy {test_acc:.2f}\")")
def test_rank_zero_prints_the_accuracy(script_run):
    """the script trains on 2 processes and prints the accuracy from rank 0 only"""
    judge_launch("script", report=True)
    outputs = {r.rank: r.output for r in ranks(script_run)}
    if not any(outputs.values()):
        fail("Run as a script, the file printed nothing on any rank",
             hint="Run main() when the file is run as a script (the `__name__` guard), and print the "
                  "accuracies in main().", then='if __name__ == "__main__":\n    main()')
    if not re.search("accuracy", outputs.get(0, ""), re.IGNORECASE):
        fail(f"Rank 0 printed no line with 'accuracy' in it. It printed:\n{outputs.get(0, '')[-600:]}",
             hint="Print the accuracies from rank 0, with the word 'accuracy' in the line.",
             then='if rank == 0: print(f"Test accuracy {test_acc:.2f}")')
    for rank, text in outputs.items():
        lines = [line for line in text.splitlines() if re.search("accuracy", line, re.IGNORECASE)]
        if rank != 0 and lines:
            fail(f"Rank {rank} printed the accuracy too: {lines[0].strip()!r}. Every rank holds the "
                 "same model, so the same line would appear once per process.")


@hint("End main() by leaving the process group: see `destroy_process_group`.",
      then="torch.distributed.destroy_process_group() as the last line of main()")
def test_main_leaves_the_process_group(script_run):
    """main() leaves the process group at the end"""
    judge_launch("script", report=False)
    for report in ranks(script_run):
        if not report.data["left_group"]:
            fail(f"After main() the process group was still open on rank {report.rank}")


# With a GPU: one rank on it, with nccl ----------------------------------------------------------


@requires("cuda")
@hint("With CUDA: each rank picks its own GPU by its local rank (see `torch.cuda.set_device`), "
      "the nccl backend, and the model and each batch moved to that GPU.",
      then="torch.cuda.set_device(int(os.environ['LOCAL_RANK'])); init_process_group(backend='nccl'); "
           "model.to(device()) and each batch .to(device()).")
def test_one_rank_on_the_gpu_with_nccl(learner_path):
    """on a GPU, ddp_setup uses nccl and set_device, and train runs on the GPU"""
    run = launch("gpu", learner_path, probe, hide_cuda=False)
    judge_launch("gpu", report=True)
    data = ranks(run)[0].data
    if not data["cuda"]:
        pytest.skip("the rank saw no CUDA GPU")
    if "nccl" not in data["group"][2]:
        fail(f"With CUDA, ddp_setup started the group with backend {data['group'][2]!r}, expected 'nccl'")
    if not data["set_device"]:
        fail("With CUDA, ddp_setup never called torch.cuda.set_device(LOCAL_RANK): with several "
             "GPUs every rank would crowd onto GPU 0")
    if data["weights_device"] != ["cuda"]:
        fail(f"With CUDA, train() returned a model on {data['weights_device']}, expected it on the GPU",
             hint="Move the model to this rank's GPU before wrapping it in DDP.",
             then="model = model.to(device()) before DDP(model)")
