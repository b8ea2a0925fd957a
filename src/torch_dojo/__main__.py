import sys

from torch_dojo.cli import main

sys.exit(main())
