"""The supervisor process: every check process runs under one, cold or warm.

``python -m torch_dojo.runner.supervisor_process FD [--warm]``: ``main`` forks the check
processes, adopts what they orphan and ends it all; ``warmup`` is what a warm one does
before any check (imports, a rehearsal, a check process forked ahead). The main process
drives it through ``runner.supervisor``. This file stays empty: the main process imports
it only for its ``__name__``.
"""
