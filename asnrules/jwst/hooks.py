"""JWST finalize hooks, referred to by name from ``rulesets/*.yaml``.

Each hook receives an :class:`asnrules.engine.association.Association` and returns the list of
associations that replace it.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from asnrules.engine.association import Member
from asnrules.engine.hooks import hook
from asnrules.engine.values import is_set


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


def _first(row: dict[str, str], not_set: frozenset[str], *columns: str) -> str:
    return next((row[c] for c in columns if is_set(row.get(c), not_set)), "")


def _level3_image_name(asn: Any, row: dict[str, str]) -> str:
    def pinned(name: str) -> str:
        return " ".join(sorted(asn.values(name)))

    if row.get("instrume") == "miri":
        elements = [_first(row, asn.not_set, "filter")]
    else:
        elements = [
            _first(row, asn.not_set, "filter", "band"),
            _first(row, asn.not_set, "pupil", "grating"),
        ]
    optical = "-".join(sorted((e for e in elements if e), key=str.lower)) or "clear"
    subarray = pinned("subarray")
    subarray = f"-{subarray}" if subarray and subarray != "full" else ""
    target = f"t{pinned('target').rjust(3, '0')}"
    program = pinned("program").rjust(5, "0")
    name = f"jw{program}-{asn.asn_id}_{target}_{pinned('instrument')}_{optical}{subarray}"
    return name.lower()


@hook("jwst.nod_split", example="finalize: [jwst.nod_split]")
def nod_split(asn: Any) -> list[Any]:
    """Split a nodded association into one association per science exposure.

    In each, one nod is the science member; every other science member that does not
    overlap it on the sky becomes a ``background`` member; the non-science members are
    copied to every split. Overlap applies to NIRSpec fixed-slit and MSA exposures only:
    another target, or the same primary dither point (for the S1600A1 slit in a 5-point
    pattern, also the adjacent ones); fixed-slit exposures lacking dither information
    always overlap.
    """
    science = [m for m in asn.members if m.fields.get("exptype") == "science"]
    others = [m for m in asn.members if m.fields.get("exptype") != "science"]
    splits = []
    for nod in science:
        members = [Member(nod.row, "science", dict(nod.fields))]
        for other in science:
            if other.fields.get("expname") != nod.fields.get("expname") and not _nods_overlap(
                nod.row, other.row
            ):
                members.append(
                    Member(other.row, "background", {**other.fields, "exptype": "background"})
                )
        members.extend(Member(m.row, m.role, dict(m.fields)) for m in others)
        splits.append(asn.with_members(members))
    return splits


def _integer(row: dict[str, str], *columns: str) -> int | None:
    for column in columns:
        try:
            return int(row[column])
        except (KeyError, ValueError):
            continue
    return None


def _nods_overlap(science: dict[str, str], background: dict[str, str]) -> bool:
    exp_type = science.get("exp_type", "")
    if exp_type not in ("nrs_fixedslit", "nrs_msaspec"):
        return False
    if science.get("targetid") != background.get("targetid"):
        return True
    numdthpt = _integer(science, "numdthpt")
    patt_num = _integer(science, "patt_num")
    bkg_num = _integer(background, "patt_num")
    if numdthpt is None or patt_num is None or bkg_num is None:
        numdthpt, patt_num, bkg_num = 0, None, None
    subpx = _integer(science, "subpxpts", "subpxpns")
    bkg_subpx = _integer(background, "subpxpts", "subpxpns")
    if patt_num is None or bkg_num is None or not subpx or not bkg_subpx:
        return exp_type == "nrs_fixedslit"
    sci_point = (patt_num - 1) // subpx
    bkg_point = (bkg_num - 1) // bkg_subpx
    if sci_point == bkg_point:
        return True
    if exp_type == "nrs_msaspec":
        return False
    return (
        science.get("fxd_slit") == "s1600a1"
        and numdthpt // subpx == 5
        and abs(sci_point - bkg_point) <= 1
    )
