"""``asnrules upgrade``: rewrite a rule file of language 0.x in language 1.0.

Every rename and removal of 1.0 is applied by editing the file's text at the spans of
PyYAML's composed nodes, so comments and layout stay wherever the change allows:

- ``asnrules: 1`` becomes ``asnrules: 1.0``; a rule's ``member:`` becomes ``member_fields:``;
- a ``members`` list becomes a map from role name to role (``role:`` gone); a shared role
  named in the list, ``- level2_background``, becomes ``background: {extends:
  level2_background}``, its role name read from this file or the files it includes;
- role ``reoffer: existing`` becomes ``rejoin: true``; role ``exptype: E`` becomes
  ``member_fields: {exptype: E}``; top-level ``reoffer: [{when: C}]`` becomes
  ``final_pass: [C]``;
- an attribute written as a column list or with ``from:`` becomes an expression
  (``first_set(a, b)``); ``optional: true`` is dropped and the attribute's uses in this
  file's ``share`` lists and groups get ``?``;
- ``first(`` becomes ``first_set(`` and, in association context, a bare ``first``
  becomes ``first_member``; a condition that is a bare name, ``is_tso: tsovisit``,
  becomes ``is_set(tsovisit)`` (1.0 conditions are boolean; that is what it meant);
- rules with ``abstract: true`` move to a top-level ``bases:`` section (a second pass over
  the edited text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from asnrules.diagnostics import AsnRulesError, Diagnostic
from asnrules.language.positions import compose, load_yaml
from asnrules.language.upgrade.bases import move_bases
from asnrules.language.upgrade.context import (
    included_documents,
    inherited_members,
    shared_role_names,
)
from asnrules.language.upgrade.rewrite import Rewrite


@dataclass
class Upgrade:
    """The upgrade of one file: its text before and after, and notes for the user."""

    path: Path
    before: str
    after: str
    notes: list[Diagnostic] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the 1.0 text differs from the file."""
        return self.before != self.after


def upgrade_file(path: Path) -> Upgrade:
    """Upgrade one rule file (not written).

    Raises
    ------
    AsnRulesError
        When the file cannot be read or parsed, or holds what 1.0 cannot say as it stands
        (two roles of one name in a rule); every error is located.
    """
    display = str(path)
    data, _ = load_yaml(path, display)  # located errors for unreadable or broken files
    text = path.read_bytes().decode("utf-8")
    if isinstance(data, dict) and str(data.get("asnrules", "")) == "1.0":
        return Upgrade(path, text, text)
    document = data if isinstance(data, dict) else {}
    included = included_documents(path, document, (path.resolve(),))
    first = Rewrite(text, display, shared_role_names(included, document))
    first.inherited = inherited_members(included, document)
    first.conditions = {
        str(n)
        for d in [*included, document]
        if isinstance(d.get("conditions"), dict)
        for n in d["conditions"]
    }
    first.document(compose(text))
    if first.errors:
        raise AsnRulesError(first.errors)
    after = first.edits.result()
    after, problems = move_bases(after, display)
    if problems:
        raise AsnRulesError(problems)
    return Upgrade(path, text, after, first.notes)


__all__ = ["Upgrade", "upgrade_file"]
