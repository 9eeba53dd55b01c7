"""Diagnostics: located problems in rule files and pools, and how they are printed.

Every problem a user can cause is a :class:`Diagnostic` with a stable code, a file,
a 1-based line and column, and a message. Loading raises :class:`AsnRulesError`
carrying one or more diagnostics; linting collects them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How serious a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"


CODES: dict[str, str] = {
    "ASN001": "file-not-found",
    "ASN002": "include-error",
    "ASN101": "yaml-syntax",
    "ASN102": "yaml-duplicate-key",
    "ASN110": "schema-unknown-key",
    "ASN111": "schema-missing-key",
    "ASN112": "schema-invalid",
    "ASN201": "expr-syntax",
    "ASN202": "expr-unknown-name",
    "ASN203": "expr-unknown-function",
    "ASN204": "expr-arity",
    "ASN205": "expr-invalid-regex",
    "ASN206": "expr-type",
    "ASN207": "expr-context",
    "ASN301": "rule-unknown-reference",
    "ASN302": "rule-unknown-hook",
    "ASN304": "template-syntax",
    "ASN401": "pool-unreadable",
    "ASN402": "pool-missing-column",
    "ASN403": "pool-format",
    "ASN601": "shared-column-absent",
    "ASN602": "no-member-fields",
    "ASN603": "override-undone",
    "ASN604": "candidate-not-found",
    "ASN605": "unknown-exposure",
}
"""Stable diagnostic codes and their readable names; never renumbered."""


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located problem.

    Parameters
    ----------
    path : str
        File the problem is in.
    line, col : int
        1-based position; 0 when the problem has no position (a missing file).
    code : str
        Stable code from :data:`CODES`.
    message : str
        What is wrong, and where possible what would be right.
    severity : Severity
        Error or warning.
    source_line : str
        The text of the offending line, for caret display (may be empty).
    """

    path: str
    line: int
    col: int
    code: str
    message: str = field(compare=False)
    severity: Severity = field(default=Severity.ERROR, compare=False)
    source_line: str = field(default="", compare=False)

    @property
    def name(self) -> str:
        """Readable name of the code, e.g. ``expr-syntax``."""
        return CODES.get(self.code, "unknown")

    def concise(self) -> str:
        """Return ``path:line:col: CODE severity message``."""
        return (
            f"{self.path}:{self.line}:{self.col}: {self.code} {self.severity.value} {self.message}"
        )

    def full(self) -> str:
        """Return the concise form followed by the source line and a caret."""
        text = self.concise()
        if self.source_line and self.col > 0:
            text += f"\n    {self.source_line}\n    {' ' * (self.col - 1)}^"
        return text

    def github(self) -> str:
        """Return a GitHub Actions workflow command."""
        return (
            f"::{self.severity.value} file={self.path},line={self.line},col={self.col},"
            f"title={self.code} {self.name}::{self.message}"
        )

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-serialisable mapping."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
        }


class AsnRulesError(Exception):
    """A user-caused error: bad rule file, bad pool, bad option.

    Parameters
    ----------
    diagnostics : list of Diagnostic
        The located problems; at least one.
    """

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.concise() for d in self.diagnostics))


def error(path: str | Path, code: str, message: str, line: int = 0, col: int = 0) -> AsnRulesError:
    """Build an :class:`AsnRulesError` holding one diagnostic."""
    return AsnRulesError([Diagnostic(str(path), line, col, code, message)])


def render(diagnostics: list[Diagnostic], fmt: str = "concise") -> str:
    """Render diagnostics in one of the output formats.

    Parameters
    ----------
    diagnostics : list of Diagnostic
        Problems to print, in any order; they are sorted by position.
    fmt : {"concise", "full", "json", "github", "sarif"}
        Output format.

    Returns
    -------
    str
        The rendered text (no trailing newline).
    """
    ordered = sorted(diagnostics)
    if fmt == "json":
        return json.dumps([d.as_dict() for d in ordered], indent=2)
    if fmt == "sarif":
        return json.dumps(_sarif(ordered), indent=2)
    if fmt == "github":
        return "\n".join(d.github() for d in ordered)
    if fmt == "full":
        return "\n".join(d.full() for d in ordered)
    return "\n".join(d.concise() for d in ordered)


def _sarif(diagnostics: list[Diagnostic]) -> dict[str, object]:
    rules = [{"id": code, "name": name} for code, name in CODES.items()]
    results = [
        {
            "ruleId": d.code,
            "level": "error" if d.severity is Severity.ERROR else "warning",
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": d.path},
                        "region": {"startLine": max(d.line, 1), "startColumn": max(d.col, 1)},
                    }
                }
            ],
        }
        for d in diagnostics
    ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "asnrules", "rules": rules}}, "results": results}],
    }
