"""JWST finalize hooks, referred to by name from ``rulesets/*.yaml``.

Each hook receives an :class:`asnrules.engine.Association` and returns the list of
associations that replace it.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from ..hooks import hook


@hook("jwst.nod_backgrounds_level3", example="finalize: [jwst.nod_backgrounds_level3]")
def nod_backgrounds_level3(asn: Any) -> list[Any]:
    """Add, for every science member of a nodded spectral target, its x1d as a background.

    Applies when the shared ``patttype`` attribute contains ``nod`` and there are at least
    two science members. Each background member is a copy of its science member with
    ``expname`` ``<science root>_x1d.fits`` and ``exptype`` ``background``.
    """
    patttype = " ".join(sorted(asn.values("patttype")))
    science = [m for m in asn.members if m.fields.get("exptype") == "science"]
    if "nod" not in patttype or len(science) < 2:
        return [asn]
    for member in science:
        stem = PurePosixPath(str(member.fields.get("expname", ""))).stem
        root = stem.rsplit("_", 1)[0] if "_" in stem else stem
        fields = {**member.fields, "expname": f"{root}_x1d.fits", "exptype": "background"}
        asn.add_extra_member(fields, like=member)
    return [asn]
