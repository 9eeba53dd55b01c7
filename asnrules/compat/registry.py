"""The reference's rule registry and global constraints, over a compiled :class:`Ruleset`.

``AssociationRegistry`` loads rule files as ``jwst.associations`` code names them: its
default rule modules (``rules_level2b.py``, ``rules_level3.py``) stand for the bundled
``stage2.yaml`` and ``stage3.yaml``. Global constraints say which associations one
``generate`` run makes: candidate constraints (``constrain_on_candidates``) choose
candidates; a constraint on another column keeps only the rows whose value matches.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from asnrules.compat.documents import AssociationError, validate_document
from asnrules.engine.candidates import Candidate
from asnrules.engine.generator import Options
from asnrules.engine.ruleset import Rule
from asnrules.engine.values import is_set
from asnrules.language.rulecache import load_rules
from asnrules.resources import DEFAULT_RULESETS

REFERENCE_RULE_FILES = {"rules_level2b.py": "stage2.yaml", "rules_level3.py": "stage3.yaml"}
"""The reference's default rule modules and the bundled rulesets that replace them."""


def rule_files(definition_files: Sequence[str | Path] | None, include_default: bool) -> list[str]:
    """Map rule-file names to asnrules rulesets (defaults first, no file twice).

    Raises
    ------
    AssociationError
        For no files at all, or a Python rule module that is not a reference default.
    """
    files = list(DEFAULT_RULESETS) if include_default else []
    for given in definition_files or ():
        name = Path(given).name
        if name in REFERENCE_RULE_FILES:
            mapped = REFERENCE_RULE_FILES[name]
        elif name.endswith(".py"):
            raise AssociationError(
                f"Python rule modules are not read by asnrules: {given}; "
                "write the rules in YAML (docs/rule-files.md)",
                path=str(given),
            )
        else:
            mapped = str(given)
        if mapped not in files:
            files.append(mapped)
    if not files:
        raise AssociationError("no rule files given (include_default=False and no files)")
    return files


@dataclass
class DMSAttrConstraint:
    """A global constraint, named and built as in the reference.

    With ``sources=["asn_candidate"]`` it chooses candidates: ``value`` is a regular
    expression (or a list of them) matched against each candidate, written as
    ``('o001', 'observation')``; ``None`` chooses every candidate. With other sources
    it keeps the rows whose first set source column matches ``value``.
    """

    name: str = ""
    sources: Sequence[str] = ()
    value: str | Sequence[str] | None = None
    force_unique: bool = False
    is_acid: bool = False
    evaluate: bool = False
    required: bool = True

    def __iter__(self) -> Iterator[DMSAttrConstraint]:
        yield self

    @property
    def patterns(self) -> list[re.Pattern[str]]:
        """The value as compiled expressions (none: anything matches)."""
        values = [self.value] if isinstance(self.value, str) else list(self.value or ())
        return [re.compile(v, re.IGNORECASE) for v in values]

    def on_candidates(self, candidate_column: str | None) -> bool:
        """Whether this constraint chooses candidates."""
        return [s.lower() for s in self.sources] == [candidate_column]

    def row_matches(self, row: dict[str, str], not_set: frozenset[str]) -> bool:
        """Whether a row's value (first set source column) matches."""
        value = next(
            (row[s.lower()] for s in self.sources if is_set(row.get(s.lower(), ""), not_set)), None
        )
        if value is None:
            return not self.required
        return any(p.fullmatch(value) for p in self.patterns) or not self.patterns


def constrain_on_candidates(candidates: Sequence[str] | None) -> DMSAttrConstraint:
    """A constraint choosing these candidate ids (``None``: every candidate)."""
    value = f".+({'|'.join(candidates)}).+" if candidates else None
    return DMSAttrConstraint(
        name="asn_candidate",
        sources=["asn_candidate"],
        value=value,
        force_unique=True,
        is_acid=True,
        evaluate=True,
    )


@dataclass(frozen=True)
class RegisteredRule:
    """A rule as the registry lists it (``rule.rule_name()``, ``rule.registry``)."""

    rule: Rule
    registry: AssociationRegistry

    def rule_name(self) -> str:
        """The rule's name."""
        return self.rule.name

    @property
    def GLOBAL_CONSTRAINT(self) -> list[DMSAttrConstraint]:  # noqa: N802 - reference name
        """The registry's global constraints, which apply to every rule."""
        return list(self.registry.global_constraints)


class AssociationRegistry:
    """Rules by name, loaded from rule files, with the constraints one run applies.

    Parameters
    ----------
    definition_files : sequence of str or Path, optional
        Rule files: YAML rulesets, bundled names, or the reference's default rule
        modules (``rules_level2b.py``, ``rules_level3.py``).
    include_default : bool
        Load the bundled Stage 2 and Stage 3 rulesets first.
    global_constraints : DMSAttrConstraint or list of them, optional
        What :func:`generate` makes (see the module notes).
    name : str, optional
        Prefix of ``asn_rule`` (``name_Rule``); without it ``asn_rule`` is the rule name.

    Raises
    ------
    AssociationError
        For no rule files or an unsupported rule module; rule-file errors are raised as
        :class:`~asnrules.diagnostics.AsnRulesError`.
    """

    def __init__(
        self,
        definition_files: Sequence[str | Path] | None = None,
        include_default: bool = True,
        global_constraints: DMSAttrConstraint | Sequence[DMSAttrConstraint] | None = None,
        name: str | None = None,
        **_ignored: Any,
    ) -> None:
        self.ruleset, _ = load_rules(rule_files(definition_files, include_default))
        if isinstance(global_constraints, DMSAttrConstraint):
            global_constraints = [global_constraints]
        self.global_constraints = list(global_constraints or ())
        self.name = name

    def __len__(self) -> int:
        return len(self.ruleset)

    def __contains__(self, name: object) -> bool:
        return name in self.ruleset

    def __iter__(self) -> Iterator[str]:
        return iter(self.ruleset.rules)

    def __getitem__(self, name: str) -> RegisteredRule:
        return RegisteredRule(self.ruleset[name], self)

    def keys(self) -> list[str]:
        """Rule names in order."""
        return list(self.ruleset.rules)

    def items(self) -> list[tuple[str, RegisteredRule]]:
        """``(name, rule)`` pairs in order."""
        return [(n, self[n]) for n in self.ruleset.rules]

    def values(self) -> list[RegisteredRule]:
        """Rules in order."""
        return [self[n] for n in self.ruleset.rules]

    def validate(self, document: Any) -> list[str]:
        """Check a document's shape; return the names of the rules of its ``asn_type``.

        Raises
        ------
        AssociationNotValidError
            When it is not an association document.
        """
        validate_document(document)
        kind = document.get("asn_type")
        return [r.name for r in self.ruleset.rules.values() if r.asn_type == kind]

    def rows(self, rows: list[dict[str, str]]) -> list[dict[str, str]]:
        """The rows every non-candidate constraint keeps."""
        column = self.ruleset.candidate_column
        filters = [c for c in self.global_constraints if not c.on_candidates(column)]
        not_set = self.ruleset.not_set
        return [r for r in rows if all(c.row_matches(r, not_set) for c in filters)]

    def options(
        self, rows: list[dict[str, str]], version_id: str | None, finalize: bool
    ) -> Options:
        """What one run makes: the chosen candidates, or discovery when none is constrained.

        Candidate constraints make one run over the pool in which only the candidates
        they choose take part (:mod:`asnrules.engine.per_pool`); without ``force_unique`` an
        association may take rows of several chosen candidates.
        """
        column = self.ruleset.candidate_column
        chosen = [c for c in self.global_constraints if c.on_candidates(column)]
        if not chosen:
            return Options(
                discover=True, keep_candidates=False, version_id=version_id, finalize=finalize
            )
        return Options(
            discover=False,
            version_id=version_id,
            finalize=finalize,
            per_pool=True,
            selects=partial(_chosen_by, chosen),
            spanning=not any(c.force_unique for c in chosen),
        )


def _chosen_by(constraints: Sequence[DMSAttrConstraint], candidate: Candidate) -> bool:
    return all(_chooses(k, candidate) for k in constraints)


def _chooses(constraint: DMSAttrConstraint, candidate: Candidate) -> bool:
    text = f"('{candidate.id}', '{candidate.type}')"
    patterns = constraint.patterns
    return not patterns or any(p.fullmatch(text) for p in patterns)


__all__ = [
    "AssociationRegistry",
    "DMSAttrConstraint",
    "constrain_on_candidates",
    "rule_files",
]
