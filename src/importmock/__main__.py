"""``python -m importmock server``: the same command as the `importmock` console script."""

from __future__ import annotations

import sys

from importmock.cli import main

if __name__ == "__main__":
    sys.exit(main())
