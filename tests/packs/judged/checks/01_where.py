"""Where the learner's code runs, and what the judge is (recorded for tests/test_judge.py)."""

import ctypes
import os
import sys

PR_GET_DUMPABLE = 3


def test_says_where_it_runs(learner, record):
    """pid gives the learner's process id"""
    dumpable = ctypes.CDLL(None).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)
    record("judge", {"pid": os.getpid(), "imported_learner": "learner" in sys.modules, "dumpable": dumpable,
                     "learner_folder_on_path": os.path.dirname(str(learner_path_of(learner))) in sys.path})
    record("learner_pid", learner.pid())
    assert isinstance(learner.pid(), int)


def learner_path_of(learner):
    return getattr(learner, "_path", "")
