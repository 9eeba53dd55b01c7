"""asnrules: declarative association rules and a fast generator for JWST exposure pools."""

from __future__ import annotations

__version__ = "0.1.0"

from .api import AssociationPool, AssociationRegistry, Main, generate  # noqa: E402
from .ruleset import Ruleset  # noqa: E402

__all__ = ["AssociationPool", "AssociationRegistry", "Main", "Ruleset", "__version__", "generate"]
