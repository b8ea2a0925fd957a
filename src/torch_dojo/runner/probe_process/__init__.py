"""The probes: fresh interpreters that say what this machine offers the checks.

``python -m torch_dojo.runner.probe_process`` (``runner.environment.probe``) imports
torch, looks for CUDA, torchvision and torch.distributed, and prints one JSON line: an
``Environment``. ``python -m torch_dojo.runner.probe_process.docs``
(``runner.environment.api_docs``) prints the docstrings of dotted names: ``ApiDoc``s.
Nothing here is imported where the CLI or the TUI run but ``machine`` and ``apis``, the
types they read back.
"""
