"""A warning raised while a learner's file is judged shows at the learner's line, never at a
path of torch's or of the hidden checks."""

from __future__ import annotations

import pytest

from conftest import TESTS, copy_of_mini
from torch_dojo import runner
from torch_dojo.pack import load_pack

WARNS_IN_A_HELPER = '''
import warnings


def _careful(a):
    warnings.warn("a float would be safer here", stacklevel=2)
    return a


def add(a, b):
    return _careful(a) + b
'''

CHECK_THAT_WARNS = '''

def test_the_check_warns_by_itself(learner):
    """the check warns with no code of the learner's running"""
    import warnings
    warnings.warn("the check's own note")
    assert learner.add(1, 1) == 2
'''


def test_a_warning_names_the_learners_line_and_one_of_the_check_names_no_path(tmp_path, write):
    pack_root = copy_of_mini(tmp_path / "pack")
    check_file = pack_root / "checks" / "01_add.py"
    check_file.write_text(check_file.read_text() + CHECK_THAT_WARNS)
    verdict = runner.check(load_pack(pack_root).find("add"), write("add.py", WARNS_IN_A_HELPER))
    assert verdict.passed, verdict
    assert ("UserWarning: a float would be safer here\n  warned in your file, line 11, in add(): "
            "return _careful(a) + b") in verdict.output  # where stacklevel=2 points, in the learner's file
    assert "UserWarning (from the check's own code, not from yours): the check's own note" in verdict.output
    assert "checks" not in verdict.output and str(tmp_path) not in verdict.output


TORCH_WARNINGS = '''
import torch
from torch import nn


def double(t):
    copy = torch.tensor(t)
    nn.MSELoss()(copy.reshape(-1, 1), copy.reshape(-1))
    return copy * 2
'''


@pytest.mark.slow
def test_torchs_own_warnings_show_at_the_learners_line(write):
    exercise = load_pack(TESTS / "packs" / "tensors").find("double")
    verdict = runner.check(exercise, write("double.py", TORCH_WARNINGS))
    assert verdict.passed, verdict
    output = verdict.output
    assert "UserWarning: To copy construct from a tensor" in output
    assert "warned in your file, line 7, in double(): copy = torch.tensor(t)" in output
    # raised in torch/nn/modules/loss.py, which is where Python would have said it was
    assert "UserWarning: Using a target size" in output
    assert "warned in your file, line 8, in double(): nn.MSELoss()" in output
    assert "site-packages" not in output and "loss.py" not in output and "checks" not in output
    assert output.count("warned in your file") == output.count("UserWarning")
