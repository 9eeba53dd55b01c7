"""``--merge``: associations of one candidate and type merged into one, product by product.

A stage whose ruleset says ``mergeable: true`` has, after finalization, its associations
of the same ``(asn_type, candidate id)`` merged into the first of them (the lowest
sequence number). Each merged association brings its product; a product whose name the
first already has adds only the members whose exposure that product lacks (the first
of the stage's ``member_identity`` fields, ``expname`` for JWST; without identity
fields, a member with all the same fields). The kept
association's other keys (rule, target, degraded status, file name) are its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from asnrules.engine.association import Association, Member, Product, member_keys


def merge_associations(
    associations: Sequence[Association], identity: Sequence[str] = ()
) -> list[Association]:
    """Merge associations by ``(asn_type, asn_id)``, keeping the first of each.

    Parameters
    ----------
    associations : sequence of Association
        One mergeable stage's finalized associations, in output order.
    identity : sequence of str
        The stage's member identity fields (the first names the exposure).

    Returns
    -------
    list of Association
        The first association of each ``(asn_type, asn_id)``, in order, holding every
        product of its group.
    """
    merged: dict[tuple[str, str], Association] = {}
    for asn in associations:
        key = (asn.rule.asn_type, asn.asn_id)
        kept = merged.setdefault(key, asn)
        if kept is asn:
            continue
        for name, members in asn.products():
            _add_product(kept, name, members, identity[:1])
    return list(merged.values())


def _add_product(
    asn: Association, name: str, members: list[Member], exposure: Sequence[str]
) -> None:
    if asn.merged_products is None:
        asn.merged_products = [(p_name, list(p_members)) for p_name, p_members in asn.products()]
    for p_name, p_members in asn.merged_products:
        if p_name == name:
            have = set(member_keys(p_members, exposure))
            keys = member_keys(members, exposure)
            p_members.extend(m for m, key in zip(members, keys, strict=True) if key not in have)
            return
    asn.merged_products.append((name, list(members)))


__all__ = ["Product", "merge_associations"]
