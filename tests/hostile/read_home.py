"""Attack: read a file of the grader's $HOME and smuggle it out in an exception message, into
the grade report. Stopped, the refused read is the student's error (and says so)."""
import os


def add(a, b):
    with open(os.path.join(os.path.expanduser("~"), "secret.txt")) as f:
        secret = f.read()
    raise ValueError(f"leaked: {secret}")
