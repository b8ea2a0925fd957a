"""``torch-dojo grade``: every student's submission judged by the learners' own engine.

This face re-exports the package's modules, each one answering one question: marks.py
(what a mark and a table of them are), submissions.py (where each student's file is),
journal.py (marks kept for a resumed run), judging.py (``grade``: the run itself),
doubts.py (whether a table is a grade yet), table.py (CSV and JSON), shards.py (a class
graded in parts, ``--shard I/N``, and the parts merged into one table),
references.py (reference verdicts kept between runs and shards), gradescope.py (the autograder zip).


    SUBMISSIONS/
      alice/                 one folder per student: their workspace (a copy of it) or
        01_first.py …        just their files, at any depth (torch-dojo/, PACK/ …)
      bob/torch-dojo/…

Each exercise of the pack is looked up in each student's folder (``locate``) and judged
in judged mode: the checks run in a process the submission's code never ran in, so what
a submission prints, patches or fakes cannot raise its grade. A run never stops for one
submission: a missing file is "missing", a broken one gets its verdict, and a fault of the
grader itself is an "error" row that says so.

Resuming: with a journal (``Journal``), every mark is appended as soon as it is known,
with a fingerprint of everything it depends on (the submitted file, the exercise's
checks, solution and manifest entry, and torch-dojo's version). A later run reuses the
marks whose fingerprint still holds and judges only the rest: an interrupted run goes on
where it stopped, and a student who resubmits one file is judged again on that file only.
"""

from torch_dojo.grading.doubts import Doubts, doubts, reference_holds
from torch_dojo.grading.journal import Journal, fingerprint
from torch_dojo.grading.judging import grade
from torch_dojo.grading.references import References
from torch_dojo.grading.marks import GRADER_FAULT, MISSING, Check, GradeError, Grades, Mark, Submission, why
from torch_dojo.grading.submissions import candidates, find_submissions, locate
from torch_dojo.grading.table import SCHEMA, number, summary, to_csv, to_json, write

__all__ = ["Check", "Doubts", "GRADER_FAULT", "GradeError", "Grades", "Journal", "MISSING", "Mark", "References", "SCHEMA",
           "Submission", "candidates", "doubts", "find_submissions", "fingerprint", "grade", "locate", "number",
           "reference_holds", "summary", "to_csv", "to_json", "why", "write"]
