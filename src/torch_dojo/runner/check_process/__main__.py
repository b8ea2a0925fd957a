"""``python -m torch_dojo.runner.check_process SPEC``: the cold check process."""

import sys

from torch_dojo.runner.check_process.main import main

main(sys.argv)
