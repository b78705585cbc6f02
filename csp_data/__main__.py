"""`python -m csp_data ...`: see csp_data.cli."""

import sys

from csp_data.cli import main

sys.exit(main())
