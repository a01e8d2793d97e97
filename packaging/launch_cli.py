"""The command line's executable in the bundle (packaging/genglossary.spec): ``genglossary``
(``genglossary-cli`` on Windows and macOS, entry.frozen_cli_name)."""

import sys

from genglossary_gui.cli import main

if __name__ == "__main__":
    sys.exit(main())
