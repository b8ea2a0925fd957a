"""The check process: the learner's file and the hidden checks, in one process under pytest.

``python -m torch_dojo.runner.check_process SPEC`` (cold), or forked from the warm
supervisor process: ``main`` runs the checks; ``plugin`` is the pytest plugin that hands
checks their fixtures and reports each result; ``learner_module`` loads the learner's
file; ``tamper`` notices replaced functions; ``explain`` and ``blame`` word what went
wrong; ``requirements`` says what this machine lacks; ``rank`` is a torchrun launch of
``run_torchrun`` and what each of its ranks runs, ``launcher`` the process a check forks
ahead for its launches, ``zygote`` the one each launch forks its ranks from.
Nothing here may import ``runner.judged`` or the supervisor process.
This file stays empty: the main process imports it only for its ``__name__``.
"""
