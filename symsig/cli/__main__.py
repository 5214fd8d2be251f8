"""`python -m symsig.cli`."""

import sys

from . import main

sys.exit(main())
