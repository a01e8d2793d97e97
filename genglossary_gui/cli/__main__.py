"""``python -m genglossary_gui.cli``: the same as the ``genglossary`` command."""

import sys

from genglossary_gui.cli import main

sys.exit(main())
