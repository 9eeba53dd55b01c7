"""JWST finalize hooks, referred to by name from ``rulesets/*.yaml``.

Registered through the entry-point group ``asnrules.hooks`` (see ``pyproject.toml``).
Each hook receives a :class:`~asnrules.engine.hookapi.HookAssociation` and returns the
associations that replace it; each declares what it reads (:class:`Needs`).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from asnrules.engine.hookapi import HookAssociation, HookMember, Needs
from asnrules.engine.hooks import hook

MEMBER_KEYS = ("expname", "exptype")
"""The member fields every JWST hook reads or writes."""


@hook(
    "jwst.nod_backgrounds_level3",
    example="finalize: [jwst.nod_backgrounds_level3]",
    needs=Needs(attributes=("patttype",), fields=MEMBER_KEYS),
)
def nod_backgrounds_level3(asn: HookAssociation) -> list[HookAssociation]:
    """Add, for every science member of a nodded spectral target, its x1d as a background.

    Applies when the attribute ``patttype`` (shared or recorded) contains ``nod`` and there
    are at least two science members. Each background member is a copy of its science
    member with ``expname`` ``<science root>_x1d.fits`` and ``exptype`` ``background``.
    """
    patttype = " ".join(sorted(asn.values("patttype")))
    science = asn.members_where("exptype", "science")
    if "nod" not in patttype or len(science) < 2:
        return [asn]
    for member in science:
        stem = PurePosixPath(str(member.field("expname") or "")).stem
        root = stem.rsplit("_", 1)[0] if "_" in stem else stem
        fields = {**member.fields, "expname": f"{root}_x1d.fits", "exptype": "background"}
        asn.add("extra", fields, like=member)
    return [asn]


@hook(
    "jwst.prune_imprints",
    example="finalize: [jwst.prune_imprints]",
    needs=Needs(fields=MEMBER_KEYS, columns=("targetid", "bkgdtarg", "dithptin")),
)
def prune_imprints(asn: HookAssociation) -> list[HookAssociation]:
    """Keep only the imprint members that best match the science member.

    Imprints whose background flag (``bkgdtarg``) differs from the science member's are
    left alone. Among the others, if some share a target with the science member, the
    rest are dropped; then, if there are more imprints than science members and some
    share the science member's dither position (``dithptin``), the rest are dropped.
    Members whose rows lack ``targetid`` or ``bkgdtarg`` are not considered.
    """
    science: list[HookMember] = []
    imprint_sci: list[HookMember] = []
    imprint_bkg: list[HookMember] = []
    science_is_background = False
    science_targets = set()
    for member in asn.members:
        target, background = member.column("targetid"), member.column("bkgdtarg")
        if target is None or background is None:
            continue
        exptype = member.field("exptype")
        if exptype == "science":
            science.append(member)
            science_targets.add(target)
            science_is_background = science_is_background or background == "t"
        elif exptype == "imprint":
            (imprint_bkg if background == "t" else imprint_sci).append(member)
    candidates = imprint_bkg if science_is_background else imprint_sci
    matching = [m for m in candidates if m.column("targetid") in science_targets]
    dropped: list[HookMember] = []
    if matching:
        dropped += [m for m in candidates if not any(m.same(k) for k in matching)]
        candidates = matching
    if 1 <= len(science) < len(candidates):
        positions = {s.column("dithptin") for s in science} - {None}
        keep = {m.field("expname") for m in candidates if m.column("dithptin") in positions}
        if keep:
            dropped += [m for m in candidates if m.field("expname") not in keep]
    asn.drop(dropped)
    return [asn]


@hook(
    "jwst.wfss_catalog",
    example="finalize: [jwst.wfss_catalog]",
    needs=Needs(fields=MEMBER_KEYS, templates=("wfss_direct_product",), columns=("expspcin",)),
)
def wfss_catalog(asn: HookAssociation) -> list[HookAssociation]:
    """Replace a WFSS association's direct images by the catalog of the closest one.

    The direct image closest after the science exposure (smallest positive difference of
    ``expspcin``; else the first) names the Stage 3 image product through the template
    ``wfss_direct_product`` (in which the role ``direct_image`` stands for it); its
    ``_i2d.fits``, ``_cat.ecsv`` and ``_segm.fits`` become the members ``direct_image``,
    ``sourcecat`` and ``segmap``. Without a direct image or a science member the
    association is dropped.
    """
    directs = asn.members_where("exptype", "direct_image")
    sciences = asn.members_where("exptype", "science")
    if not directs or not sciences:
        return []
    direct = _closest_direct(sciences[0], directs)
    root = asn.template("wfss_direct_product", focus=direct)
    asn.drop(directs)
    for suffix, exptype in (
        ("_i2d.fits", "direct_image"),
        ("_cat.ecsv", "sourcecat"),
        ("_segm.fits", "segmap"),
    ):
        asn.add("extra", {"expname": root + suffix, "exptype": exptype}, like=direct)
    return [asn]


def _closest_direct(science: HookMember, directs: list[HookMember]) -> HookMember:
    closest = directs[0]
    position = _integer(science, "expspcin")
    if position is None:
        return closest
    best = 9999
    for direct in directs:
        other = _integer(direct, "expspcin")
        if other is not None and 0 < other - position < best:
            best, closest = other - position, direct
    return closest


@hook(
    "jwst.nod_split",
    example="finalize: [jwst.nod_split]",
    needs=Needs(
        fields=MEMBER_KEYS,
        columns=(
            "exp_type",
            "targetid",
            "numdthpt",
            "patt_num",
            "subpxpts",
            "subpxpns",
            "fxd_slit",
        ),
    ),
)
def nod_split(asn: HookAssociation) -> list[HookAssociation]:
    """Split a nodded association into one association per science exposure.

    In each, one nod is the science member; every other science member that does not
    overlap it on the sky becomes a ``background`` member; the non-science members are
    copied to every split. Overlap applies to NIRSpec fixed-slit and MSA exposures only:
    another target, or the same primary dither point (for the S1600A1 slit in a 5-point
    pattern, also the adjacent ones); fixed-slit exposures lacking dither information
    always overlap.
    """
    science = asn.members_where("exptype", "science")
    others = [m for m in asn.members if m.field("exptype") != "science"]
    splits = []
    for nod in science:
        split = asn.copy([])
        split.add("science", nod.fields, like=nod)
        for other in science:
            if other.field("expname") != nod.field("expname") and not _nods_overlap(nod, other):
                fields = {**other.fields, "exptype": "background"}
                split.add("background", fields, like=other)
        for member in others:
            split.add(member.role, member.fields, like=member)
        splits.append(split)
    return splits


def _integer(member: HookMember, *columns: str) -> int | None:
    """The first of ``columns`` whose value in the member's row is an integer."""
    for column in columns:
        try:
            return int(member.column(column) or "")
        except ValueError:
            continue
    return None


def _nods_overlap(science: HookMember, background: HookMember) -> bool:
    exp_type = science.column("exp_type") or ""
    if exp_type not in ("nrs_fixedslit", "nrs_msaspec"):
        return False
    if science.column("targetid") != background.column("targetid"):
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
        science.column("fxd_slit") == "s1600a1"
        and numdthpt // subpx == 5
        and abs(sci_point - bkg_point) <= 1
    )
