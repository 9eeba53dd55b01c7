"""asnrules: declarative association rules and a fast generator for JWST exposure pools.

The public API (``AssociationPool``, ``AssociationRegistry``, ``generate``, ``Main``) is
imported on first use, so that the command line starts quickly.
"""

from __future__ import annotations

from typing import Any

from asnrules.version import __version__

__all__ = ["AssociationPool", "AssociationRegistry", "Main", "Ruleset", "__version__", "generate"]


def __getattr__(name: str) -> Any:
    if name in ("AssociationPool", "AssociationRegistry", "Main", "generate"):
        from asnrules import api

        return getattr(api, name)
    if name == "Ruleset":
        from asnrules.engine.ruleset import Ruleset

        return Ruleset
    raise AttributeError(f"module 'asnrules' has no attribute {name!r}")
