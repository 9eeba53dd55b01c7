"""asnrules: declarative association rules and a fast generator for JWST exposure pools."""

from __future__ import annotations

__version__ = "0.1.0"
