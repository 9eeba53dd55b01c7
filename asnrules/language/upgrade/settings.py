"""The 0.x engine's fixed behaviour, written out as 1.0 ruleset settings.

In rule language 0.x the engine itself lower-cased pool values, named ``asn_rule`` with
the run (``candidate_``/``discover_``), told orphans by exposure roots of ``expname``,
and de-duplicated by the reference's two rules in the reference's order. In 1.0 these are
settings of the ruleset. ``asnrules upgrade`` writes them into the file that holds the
pool settings (the one with ``candidates``), so that an upgraded ruleset gives what it
gave.
"""

from __future__ import annotations

import yaml

from asnrules.language.upgrade.edits import Edits

DEDUPLICATE = "[same_members, same_product, newest_first]"


def add_engine_settings(edits: Edits, root: yaml.MappingNode) -> None:
    """Write the 0.x engine's behaviour as settings into the file of ``root``.

    Only a file that declares ``candidates`` gets them (files that include it inherit
    them); settings the file already has are left as they are, but for a
    ``deduplicate: true``, which 0.x meant as the reference's rules.
    """
    found = {k.value: (k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode)}
    if "candidates" not in found:
        return
    key, candidates = found["candidates"]
    nl = edits.newline
    identity = found.get("identity")
    column = identity[1].value if identity and isinstance(identity[1], yaml.ScalarNode) else ""
    lines = ["# The 0.x engine's behaviour, written out by asnrules upgrade:"]
    if "case" not in found:
        lines.append("case: fold")
    if "member_identity" not in found:
        lines.append("member_identity: [expname, exptype]")
    if "orphans" not in found:
        lines.append(
            f"orphans: {{column: {column or 'filename'}, member_field: expname, separator: _}}"
        )
    dedup = found.get("deduplicate")
    if dedup is None:
        lines.append(f"deduplicate: {DEDUPLICATE}")
    elif isinstance(dedup[1], yaml.ScalarNode) and dedup[1].value.lower() == "true":
        edits.add(dedup[1].start_mark.index, dedup[1].end_mark.index, DEDUPLICATE)
    start = edits.line_start(key.start_mark.index)
    edits.add(start, start, nl.join(lines) + nl)
    _run_prefix(edits, candidates)


def _run_prefix(edits: Edits, candidates: yaml.Node) -> None:
    """``run_prefix: true`` as the first entry of the ``candidates`` mapping."""
    if not isinstance(candidates, yaml.MappingNode) or not candidates.value:
        return
    if any(isinstance(k, yaml.ScalarNode) and k.value == "run_prefix" for k, _ in candidates.value):
        return
    first = candidates.value[0][0].start_mark.index
    if candidates.flow_style:
        edits.add(first, first, "run_prefix: true, ")
        return
    start = edits.line_start(first)
    indent = edits.text[start:first]
    edits.add(start, start, f"{indent}run_prefix: true{edits.newline}")
