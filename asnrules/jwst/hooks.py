"""JWST finalize hooks, referred to by name from ``rulesets/*.yaml``.

Each hook receives an :class:`asnrules.engine.Association` and returns the list of
associations that replace it.
"""

from __future__ import annotations

from typing import Any

from ..hooks import hook


@hook("jwst.nod_backgrounds_level3", example="finalize: [jwst.nod_backgrounds_level3]")
def nod_backgrounds_level3(asn: Any) -> list[Any]:
    """Add, for every science member of a nodded spectral target, its x1d as a background.

    Applies when the shared ``patttype`` contains ``nod`` and there are at least two
    science members; the background member is ``<science root>_x1d.fits``.
    """
    patttype = " ".join(sorted(asn.values("patttype")))
    science = [m for m in asn.members if m.fields.get("exptype") == "science"]
    if "nod" not in patttype or len(science) < 2:
        return [asn]
    for member in science:
        expname = str(member.fields.get("expname", ""))
        root = expname.rsplit("_", 1)[0] if "_" in expname else expname
        asn.add_extra_member({"expname": f"{root}_x1d.fits", "exptype": "background"}, like=member)
    return [asn]
