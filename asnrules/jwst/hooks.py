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


@hook("jwst.prune_imprints", example="finalize: [jwst.prune_imprints]")
def prune_imprints(asn: Any) -> list[Any]:
    """Keep only the imprint members that best match the science member.

    Imprints whose background flag (``bkgdtarg``) differs from the science member's are
    left alone. Among the others, if some share a target with the science member, the
    rest are dropped; then, if there are more imprints than science members and some
    share the science member's dither position (``dithptin``), the rest are dropped.
    Members whose rows lack ``targetid`` or ``bkgdtarg`` are not considered.
    """
    members = asn.members
    science: list[Any] = []
    imprint_sci: list[Any] = []
    imprint_bkg: list[Any] = []
    science_is_background = False
    science_targets = set()
    for member in members:
        row = member.row
        if "targetid" not in row or "bkgdtarg" not in row:
            continue
        exptype = member.fields.get("exptype")
        if exptype == "science":
            science.append(member)
            science_targets.add(row["targetid"])
            science_is_background = science_is_background or row["bkgdtarg"] == "t"
        elif exptype == "imprint":
            (imprint_bkg if row["bkgdtarg"] == "t" else imprint_sci).append(member)
    candidates = imprint_bkg if science_is_background else imprint_sci
    matching = [m for m in candidates if m.row.get("targetid") in science_targets]
    dropped: set[int] = set()
    if matching:
        dropped.update(id(m) for m in candidates if m not in matching)
        candidates = matching
    if 1 <= len(science) < len(candidates):
        keep = {
            m.fields.get("expname")
            for s in science
            if "dithptin" in s.row
            for m in candidates
            if "dithptin" in m.row and m.row["dithptin"] == s.row["dithptin"]
        }
        if keep:
            dropped.update(id(m) for m in candidates if m.fields.get("expname") not in keep)
    if dropped:
        asn.members[:] = [m for m in members if id(m) not in dropped]
    return [asn]


@hook("jwst.wfss_catalog", example="finalize: [jwst.wfss_catalog]")
def wfss_catalog(asn: Any) -> list[Any]:
    """Replace a WFSS association's direct images by the catalog of the closest one.

    The direct image closest after the science exposure (smallest positive difference of
    ``expspcin``; else the first) names the Stage 3 image product
    ``jw<program>-<candidate>_t<target>_<instrument>_<optical elements>[-<subarray>]``
    (from the shared ``program``, ``target``, ``instrument`` and ``subarray``); its
    ``_i2d.fits``, ``_cat.ecsv`` and ``_segm.fits`` become the members ``direct_image``,
    ``sourcecat`` and ``segmap``. Without a direct image or a science member the
    association is dropped.
    """
    directs = [m for m in asn.members if m.fields.get("exptype") == "direct_image"]
    sciences = [m for m in asn.members if m.fields.get("exptype") == "science"]
    if not directs or not sciences:
        return []
    direct = _closest_direct(sciences[0], directs)
    asn.members[:] = [m for m in asn.members if m.fields.get("exptype") != "direct_image"]
    root = _level3_image_name(asn, direct.row)
    for suffix, exptype in (
        ("_i2d.fits", "direct_image"),
        ("_cat.ecsv", "sourcecat"),
        ("_segm.fits", "segmap"),
    ):
        asn.add_extra_member({"expname": root + suffix, "exptype": exptype}, like=direct)
    return [asn]


def _closest_direct(science: Any, directs: list[Any]) -> Any:
    closest = directs[0]
    try:
        position = int(science.row.get("expspcin", ""))
    except ValueError:
        return closest
    best = 9999
    for direct in directs:
        try:
            diff = int(direct.row.get("expspcin", "")) - position
        except ValueError:
            continue
        if 0 < diff < best:
            best, closest = diff, direct
    return closest


_NOT_SET = {"", "null", "--", "n", "f", "false", "n/a"}


def _first(row: dict[str, str], *columns: str) -> str:
    return next((row[c] for c in columns if row.get(c, "") not in _NOT_SET), "")


def _level3_image_name(asn: Any, row: dict[str, str]) -> str:
    def pinned(name: str) -> str:
        return " ".join(sorted(asn.values(name)))

    if row.get("instrume") == "miri":
        elements = [_first(row, "filter")]
    else:
        elements = [_first(row, "filter", "band"), _first(row, "pupil", "grating")]
    optical = "-".join(sorted((e for e in elements if e), key=str.lower)) or "clear"
    subarray = pinned("subarray")
    subarray = f"-{subarray}" if subarray and subarray != "full" else ""
    target = f"t{pinned('target').rjust(3, '0')}"
    program = pinned("program").rjust(5, "0")
    name = f"jw{program}-{asn.asn_id}_{target}_{pinned('instrument')}_{optical}{subarray}"
    return name.lower()
