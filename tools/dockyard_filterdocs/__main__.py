"""python -m dockyard_filterdocs [--check]"""

import sys

from dockyard_filterdocs import main

raise SystemExit(main(sys.argv[1:]))
