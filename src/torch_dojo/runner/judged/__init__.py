"""Judged mode: the check process judges; the learner's code runs in a process of its own.

With ``runner.check(..., judged=True)`` the check process (the *judge*) never imports or
runs the learner's file. First thing, before it imports the reference or runs any torch
op (a fork after torch ran parallel work can hang), it forks the *learner's process*
(``judged.learner_server``), which stays under the same supervisor: the same limits,
its output is the learner's output, and whatever it starts is ended and reported as
today. Then the judge:

- makes itself non-dumpable (PR_SET_DUMPABLE 0): the learner's code cannot ptrace it,
  nor open its /proc/PID/fd or mem (under root the judge gives up every capability before
  the fork, so this holds there too); the learner's process never holds the event pipe;
- keeps the learner's folder and the working directory out of its ``sys.path``, and
  compiles the checks afresh (no bytecode cache a learner's code could have written);
- reads the checks and the reference, and only then lets the learner's process import
  the learner's file;
- judges with its own torch, pytest and torch-dojo, on values that came back as data
  (``judged.client``, ``judged.wire``): a file that prints a report, exits, or replaces
  torch, pytest or the checks changes only its own process.

When the learner's process ends (os._exit, a crash, a kill) or sends what cannot be read,
the check that asked fails with the reason, every later check that asks fails "not run",
and the verdict is an error: the learner's process is not restarted (a fork from the
judge, after torch ran here, is not safe).

The modules, by the process they run in:

- the judge: ``judge`` (forks the learner's process, runs the checks, the ``Session``),
  ``client`` (asks, and reads answers), ``decode`` (reads the bytes that came back, into
  a fixed set of types), ``proxies`` (stand-ins for objects that stay there), ``graphs``
  (a tensor whose graph stays there);
- the learner's process: ``learner_server`` (imports the learner's file, answers);
- both sides: ``wire`` (the bytes of an answer), ``mirror`` (objects both sides hold),
  ``generators`` (the random generators' states).

``python -m torch_dojo.runner.judged SPEC`` is the cold judge (``__main__``). This file
stays empty: the main process imports it only for its ``__name__``.
"""
