"""``python -m torch_dojo.runner.supervisor_process FD [--warm]``: a supervisor process."""

import sys

from torch_dojo.runner.supervisor_process.main import main

sys.exit(main(sys.argv))
