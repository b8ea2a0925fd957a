"""``python -m torch_dojo.runner.supervisor_process FD [--warm]``: a supervisor process."""

import os
import sys

from torch_dojo.runner.supervisor_process.main import main

code = main(sys.argv)  # it ended and reaped its children, and removed its folder
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)  # not the interpreter's teardown: with torch._dynamo imported, it takes seconds here
