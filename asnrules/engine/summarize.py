"""The ``summarize`` step of finalize: a role's members replaced by members named after one.

The chosen member is the first of the role for which the rule's ``choose`` holds (member
context), else the role's first member. The ``into`` templates are evaluated in
association context with the chosen member first in its role, so that the role's name
(``direct_image.filter``) reads the chosen member. The role's members are removed and the
new members appended, in the order written. An association with no member in the role is
left as it is.
"""

from __future__ import annotations

from asnrules.engine.association import Association, Member
from asnrules.engine.ruleset import Summary
from asnrules.engine.scope import member_scope


def summarize(asn: Association, summary: Summary, not_set: frozenset[str]) -> Association:
    """Replace the members of ``summary.role`` in ``asn`` (in place); return ``asn``."""
    in_role = [m for m in asn.members if m.role == summary.role]
    if not in_role:
        return asn
    chosen = in_role[0]
    if summary.choose is not None:
        for member in in_role:
            scope = member_scope(member, not_set, asn)
            if scope.truth(summary.choose(scope)):
                chosen = member
                break
    others = [m for m in asn.members if m.role != summary.role]
    view = asn.with_members([chosen, *others])
    scope = view.scope(not_set)
    made = [
        Member(
            chosen.row, "extra", {key: template(scope) for key, template in fields}, chosen.source
        )
        for fields in summary.into
    ]
    asn.members[:] = [*others, *made]
    return asn
