"""``python -m tpsym`` runs the ``tpsym`` command."""

import sys

from tpsym.cli import main

sys.exit(main())
