"""``python -m torch_dojo.runner.judged SPEC``: the cold judge of a judged check."""

import sys

from torch_dojo.runner.check_process.main import main
from torch_dojo.runner.judged.judge import run

main(sys.argv, run=run)
