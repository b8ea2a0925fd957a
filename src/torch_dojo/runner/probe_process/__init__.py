"""The probe: a fresh interpreter that says what this machine offers the checks.

``python -m torch_dojo.runner.probe_process`` (``runner.environment.probe``) imports
torch, looks for CUDA, torchvision and torch.distributed, and prints one JSON line: an
``Environment``. Nothing here is imported where the CLI or the TUI run.
"""
