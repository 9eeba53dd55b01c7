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
    "ASN011": "api-argument",
    "ASN012": "ruleset-repeated",
    "ASN013": "batch-folder-clash",
    "ASN014": "out-of-memory",
    "ASN015": "dask-unavailable",
    "ASN020": "no-rules",
    "ASN030": "pool-no-candidate-column",
    "ASN101": "yaml-syntax",
    "ASN102": "yaml-duplicate-key",
    "ASN110": "schema-unknown-key",
    "ASN111": "schema-missing-key",
    "ASN112": "schema-invalid",
    "ASN113": "attribute-without-value",
    "ASN114": "rule-without-asn-type",
    "ASN120": "limit-file-size",
    "ASN121": "limit-yaml-aliases",
    "ASN122": "limit-yaml-expansion",
    "ASN123": "yaml-recursive-alias",
    "ASN124": "limit-yaml-depth",
    "ASN125": "yaml-bad-character",
    "ASN130": "upgrade-review",
    "ASN201": "expr-syntax",
    "ASN202": "expr-unknown-name",
    "ASN203": "expr-unknown-function",
    "ASN204": "expr-arity",
    "ASN205": "expr-invalid-regex",
    "ASN206": "expr-type",
    "ASN207": "expr-context",
    "ASN208": "definition-cycle",
    "ASN210": "limit-expr-length",
    "ASN211": "limit-expr-depth",
    "ASN212": "expr-unsafe-regex",
    "ASN220": "type-text-compared-with-number",
    "ASN221": "type-in-needs-collection",
    "ASN222": "type-text-ordered",
    "ASN223": "type-argument",
    "ASN224": "type-condition-not-boolean",
    "ASN301": "unknown-attribute",
    "ASN302": "rule-unknown-hook",
    "ASN304": "template-syntax",
    "ASN305": "unknown-role",
    "ASN306": "unknown-extends",
    "ASN307": "extends-cycle",
    "ASN320": "hook-needs-unmet",
    "ASN321": "hook-plugin-failed",
    "ASN401": "pool-unreadable",
    "ASN402": "pool-missing-column",
    "ASN501": "output-bad-name",
    "ASN502": "output-outside-folder",
    "ASN503": "output-name-collision",
    "ASN504": "output-in-the-way",
    "ASN505": "output-stale-staging",
    "ASN506": "output-write-failed",
    "ASN507": "output-encoding",
    "ASN508": "output-foreign-files",
    "ASN951": "compat-unsupported",
    "ASN952": "compat-invalid-association",
    "ASN901": "asn-unreadable",
    "ASN902": "asn-json-syntax",
    "ASN903": "asn-schema-type",
    "ASN904": "asn-schema-required",
    "ASN905": "asn-schema-empty",
    "ASN906": "asn-folder-empty",
    "ASN910": "diff-usage",
    "ASN920": "fromlist-unknown-rule",
    "ASN921": "fromlist-member-spec",
    "ASN922": "fromlist-product-name",
    "ASN923": "fromlist-candidate-id",
    "ASN924": "fromlist-not-valid",
    "ASN930": "makepool-fits-unreadable",
    "ASN931": "makepool-missing-keyword",
    "ASN932": "makepool-candidate-spec",
    "ASN940": "report-nothing",
    "ASN701": "rule-without-fields",
    "ASN702": "template-shadows-attribute",
    "ASN703": "include-ignored-keys",
    "ASN711": "value-not-in-pool",
    "ASN712": "column-not-in-pool",
    "ASN790": "rule-test-failed",
    "ASN791": "rule-test-invalid",
    "ASN410": "pool-bad-encoding",
    "ASN411": "pool-duplicate-column",
    "ASN412": "pool-out-of-memory",
    "ASN420": "pool-candidate-refused",
    "ASN601": "shared-column-absent",
    "ASN602": "no-member-fields",
    "ASN603": "override-undone",
    "ASN604": "candidate-not-found",
    "ASN605": "unknown-exposure",
    "ASN606": "rule-made-nothing",
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
        """Return the concise form, the source line, and a caret with the message's gist."""
        text = self.concise()
        if self.source_line and self.col > 0:
            gist = self.message.split("; ")[-1] if "; " in self.message else self.message
            text += f"\n    {self.source_line}\n    {' ' * (self.col - 1)}^ {gist}"
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


class UsageError(AsnRulesError):
    """A library function was called with arguments it cannot use."""


class OutputError(AsnRulesError):
    """The output files cannot be named or written as asked; nothing was written."""


def error(
    path: str | Path,
    code: str,
    message: str,
    line: int = 0,
    col: int = 0,
    kind: type[AsnRulesError] = AsnRulesError,
) -> AsnRulesError:
    """Build an :class:`AsnRulesError` (or the subclass ``kind``) holding one diagnostic."""
    return kind([Diagnostic(str(path), line, col, code, message)])


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


def byte_position(raw: bytes, index: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte ``index`` of UTF-8 ``raw``."""
    line = raw.count(b"\n", 0, index) + 1
    start = raw.rfind(b"\n", 0, index) + 1
    return line, len(raw[start:index].decode("utf-8", errors="replace")) + 1
