"""The version of importmock (read by the packaging too: pyproject.toml names this file)."""

from __future__ import annotations

__version__ = "0.1.0"
