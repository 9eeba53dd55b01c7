"""``asnrules from-list``: one association from a list of files, without a pool.

The document is laid out as the reference's ``asn_from_list`` lays it out for the rule
named with ``--rule``:

- a Level-3 rule (``DMS_Level3_Base``, the default, or any rule whose type ends in ``3``)
  makes one product, named by ``--product-name``, holding every file;
- a Level-2 rule (``Asn_Lv2Image``, ``Asn_Lv2Spec``, ... : type ending in ``2``) makes one
  product per file, named by the file's path without its extension and without a known
  pipeline suffix (``KNOWN_SUFFIXES`` of the bundled ``jwst-common.yaml``), or
  ``undefined`` when that file is not a science member.

Every member is ``science`` unless ``--member FILE:TYPE`` says otherwise. The top-level
values are the fixed ones the reference writes for a list-made association (``asn_id``
``a3001``, ``asn_pool`` ``none``, ``program`` ``noprogram`` ...), with the rule's name.
The association must have a science member; a Level-2 association of a ``c`` candidate
must also have a background member; the candidate id of a Level-2 rule must start with
``o`` or ``c``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import yaml

from asnrules import __version__
from asnrules.diagnostics import error
from asnrules.language.functions import FUNCTIONS
from asnrules.resources import bundled_rulesets

BASE_RULES = {"DMS_Level3_Base": 3, "DMSLevel2bBase": 2}
"""Rule names with no rule of their own: the bases of Level-3 and Level-2 rules."""

UNDEFINED_PRODUCT = "undefined"
ARGUMENTS = "<arguments>"


@cache
def known_suffixes() -> tuple[str, ...]:
    """The file-name suffixes a Level-2 product name drops (from ``jwst-common.yaml``)."""
    common = bundled_rulesets()["jwst-common.yaml"]
    data = yaml.safe_load(common.read_text(encoding="utf-8"))
    return tuple(data["lists"]["KNOWN_SUFFIXES"])


def rule_level(rule: str, rulesets: Sequence[str] | None = None) -> int:
    """Return 2 or 3: the level of the association a rule makes.

    Raises
    ------
    AsnRulesError
        ASN920 when the rule is neither a base nor a rule of the loaded rulesets.
    """
    if rule in BASE_RULES:
        return BASE_RULES[rule]
    from asnrules.language.loader import load_rulesets

    ruleset, _ = load_rulesets(list(rulesets) if rulesets else None)
    if rule not in ruleset:
        known = ", ".join([*BASE_RULES, *ruleset.rules])
        raise error(ARGUMENTS, "ASN920", f"unknown rule {rule!r}; known rules: {known}")
    return 2 if ruleset[rule].asn_type.endswith("2") else 3


def parse_members(specs: Sequence[str]) -> list[tuple[str, str]]:
    """Split ``FILE:TYPE`` options at their last colon.

    Raises
    ------
    AsnRulesError
        ASN921 when a spec has no colon, no file or no type.
    """
    members = []
    for spec in specs:
        name, sep, exptype = spec.rpartition(":")
        if not sep or not name or not exptype:
            message = f"--member {spec!r}: expected FILE:TYPE, e.g. a_cal.fits:background"
            raise error(ARGUMENTS, "ASN921", message)
        members.append((name, exptype))
    return members


def level2_product_name(expname: str) -> str:
    """The product name of a Level-2 science member: path without extension and suffix."""
    stem = str(FUNCTIONS["stem"].impl(expname))
    return str(FUNCTIONS["strip_suffix"].impl(stem, list(known_suffixes())))


def from_list(
    files: Sequence[str],
    *,
    rule: str = "DMS_Level3_Base",
    product_name: str | None = None,
    acid: str = "o999",
    members: Sequence[tuple[str, str]] = (),
    rulesets: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Build the association document of a list of files.

    Parameters
    ----------
    files : sequence of str
        Member file names, in order (not read; they need not exist).
    rule : str
        Rule name; decides the level.
    product_name : str, optional
        The product name; required by Level-3 rules, ignored by Level-2 ones.
    acid : str
        Candidate id (Level 2: ``o...`` or ``c...``); not written, as in the reference.
    members : sequence of (str, str)
        ``(file, exptype)``: the exptype of a listed file, or an extra member appended.
    rulesets : sequence of str, optional
        Rule files in which ``rule`` is looked up (default: the bundled ones).

    Returns
    -------
    dict
        The association document, keys in output order.

    Raises
    ------
    AsnRulesError
        On an unknown rule, a bad candidate id, a missing product name or an association
        the pipeline could not run (no science member).
    """
    level = rule_level(rule, rulesets)
    exptypes = dict(members)
    names = list(dict.fromkeys([*files, *exptypes]))
    if not names:
        raise error(ARGUMENTS, "ASN924", "no files given")
    typed = [(name, exptypes.get(name, "science")) for name in names]
    if not any(exptype == "science" for _, exptype in typed):
        raise error(ARGUMENTS, "ASN924", "the association has no science member")
    document: dict[str, Any] = {
        "asn_type": "None",
        "asn_rule": rule,
        "version_id": None,
        "code_version": __version__,
        "degraded_status": "No known degraded exposures in association.",
        "program": "noprogram",
        "constraints": "No constraints",
        "asn_id": "a3001",
    }
    if level == 3:
        if not product_name:
            raise error(ARGUMENTS, "ASN922", f"rule {rule} needs --product-name")
        document["target"] = "none"
        products = [{"name": product_name, "members": _members(typed)}]
    else:
        _check_level2_candidate(acid, typed)
        products = [
            {
                "name": level2_product_name(name) if exptype == "science" else UNDEFINED_PRODUCT,
                "members": _members([(name, exptype)]),
            }
            for name, exptype in typed
        ]
    document["asn_pool"] = "none"
    document["products"] = products
    return document


def _members(typed: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"expname": name, "exptype": exptype} for name, exptype in typed]


def _check_level2_candidate(acid: str, typed: Sequence[tuple[str, str]]) -> None:
    """A Level-2 candidate is an observation (``o...``) or a background one (``c...``)."""
    if not acid.startswith(("o", "c")):
        message = f"candidate id {acid!r} must be of the form oNNN or c1NNN for a Level-2 rule"
        raise error(ARGUMENTS, "ASN923", message)
    if acid.startswith("c") and not any(exptype == "background" for _, exptype in typed):
        message = f"candidate {acid} is a background candidate but no member is a background"
        raise error(ARGUMENTS, "ASN924", message)
