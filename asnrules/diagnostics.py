"""Diagnostics: located problems in rule files and pools, and how they are printed.

Every problem a user can cause is a :class:`Diagnostic` with a stable code, a file,
a 1-based line and column, and a message. Loading raises :class:`AsnRulesError`
carrying one or more diagnostics; linting collects them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Severity(str, Enum):
    """How serious a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"


class Area(str, Enum):
    """The part of asnrules a code belongs to: one table of ``docs/cli.md`` each."""

    RUN = "run"
    RULES = "rules"
    LIMITS = "limits"
    POOLS = "pools"
    OUTPUT = "output"
    WARNINGS = "warnings"
    LINT = "lint"
    COMPAT = "compat"
    TOOLS = "tools"


@dataclass(frozen=True)
class Code:
    """What one diagnostic code means.

    Parameters
    ----------
    name : str
        Readable name, e.g. ``expr-syntax``.
    area : Area
        The part of asnrules that reports it (its table in ``docs/cli.md``).
    description : str
        When it is reported, for users (one sentence; Markdown).
    severity : Severity
        The severity it is reported with.
    """

    name: str
    area: Area
    description: str
    severity: Severity = Severity.ERROR


_E, _W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    # -- runs: files and arguments ---------------------------------------------------
    "ASN001": Code("file-not-found", Area.RUN, "a rule file or rule-test file that does not exist"),
    "ASN002": Code(
        "include-not-found",
        Area.RULES,
        "an `include` names a file that is neither next to the including file nor a bundled "
        "ruleset",
    ),
    "ASN003": Code(
        "include-cycle",
        Area.RULES,
        "an `include` names the including file itself, or a file that includes it",
    ),
    "ASN004": Code(
        "include-has-errors",
        Area.RULES,
        "an `include` names a file that has errors of its own (they are reported at their "
        "places too)",
    ),
    "ASN011": Code(
        "api-argument",
        Area.RUN,
        "a Python function of the API was given an argument of the wrong kind (a pool or "
        "rules that are neither a table, a path nor a ruleset)",
    ),
    "ASN012": Code(
        "ruleset-repeated",
        Area.RUN,
        "a ruleset is given twice (`-r stage3 -r stage3.yaml`); it is loaded once",
        _W,
    ),
    "ASN013": Code(
        "batch-folder-clash",
        Area.RUN,
        "two pools of one batch would write into the same `PATH/<pool file stem>` folder",
    ),
    "ASN014": Code(
        "out-of-memory", Area.RUN, "a pool of a batch ran out of memory; the other pools go on"
    ),
    "ASN015": Code("dask-unavailable", Area.RUN, "`--dask` is given but Dask is not installed"),
    "ASN016": Code(
        "dask-unreachable", Area.RUN, "the Dask scheduler that `--dask` names cannot be reached"
    ),
    "ASN020": Code(
        "no-rules",
        Area.RUN,
        "there are no rules to run: `--ignore-default` without `-r`, or no rule file given to"
        " the API",
    ),
    "ASN030": Code(
        "pool-no-candidate-column",
        Area.RUN,
        "with `--per-pool-algorithm`, the pool has no candidate column: only discovered "
        "associations are made; with `--all-candidates`, the rules declare no candidates",
        _W,
    ),
    # -- rule files --------------------------------------------------------------------
    "ASN101": Code(
        "yaml-syntax",
        Area.RULES,
        "a rule file is not valid YAML (or not UTF-8); the message names the usual cause",
    ),
    "ASN102": Code("yaml-duplicate-key", Area.RULES, "a key stands twice in one mapping"),
    "ASN110": Code(
        "schema-unknown-key",
        Area.RULES,
        "a key the rule-file format does not have, with the nearest valid key",
    ),
    "ASN111": Code(
        "schema-missing-key", Area.RULES, "a key the rule-file format requires is missing"
    ),
    "ASN112": Code(
        "schema-invalid",
        Area.RULES,
        "a value of the wrong type or shape (a file that is not a mapping, a list where a "
        "string belongs)",
    ),
    "ASN113": Code(
        "attribute-without-value",
        Area.RULES,
        "an attribute mapping has no `value` expression",
    ),
    "ASN114": Code(
        "rule-without-asn-type",
        Area.RULES,
        "a rule (after `extends` and defaults) has no `asn_type`",
    ),
    "ASN115": Code(
        "schema-renamed-key",
        Area.RULES,
        "a key spelled as in rule language 0.x (or a list where 1.0 has a map or an "
        "expression); the message gives its 1.0 spelling",
    ),
    "ASN116": Code(
        "language-version-0x",
        Area.RULES,
        "the file says `asnrules: 1`: it is written in rule language 0.x",
    ),
    "ASN117": Code(
        "name-defined-twice",
        Area.RULES,
        "a name defined as two kinds of thing among lists, maps, tables, conditions and "
        "values, or as a base and a rule of one file",
    ),
    "ASN118": Code(
        "rule-without-identity-field",
        Area.RULES,
        "a rule (after `extends` and defaults) writes no member field of the ruleset's "
        "`member_identity`",
    ),
    "ASN201": Code(
        "expr-syntax",
        Area.RULES,
        "an expression cannot be parsed; upper-case keywords (`AND`, `True`) and `=` get a hint",
    ),
    "ASN202": Code(
        "expr-unknown-name",
        Area.RULES,
        "a name that is no column, definition, list, attribute or role the expression can see",
    ),
    "ASN203": Code(
        "expr-unknown-function",
        Area.RULES,
        "a function that does not exist, with the nearest known one",
    ),
    "ASN204": Code("expr-arity", Area.RULES, "a function given too few or too many arguments"),
    "ASN205": Code("expr-invalid-regex", Area.RULES, "a regular expression that does not compile"),
    "ASN206": Code(
        "expr-type",
        Area.RULES,
        "a value of the wrong type for where it stands (a pattern that is not a literal string)",
    ),
    "ASN207": Code(
        "expr-context",
        Area.RULES,
        "a name or function used where it is not known: `member` outside member fields, a row"
        " definition for a whole association, a row function in association context",
    ),
    "ASN208": Code(
        "definition-cycle", Area.RULES, "named definitions that refer to one another in a circle"
    ),
    "ASN220": Code(
        "type-text-compared-with-number",
        Area.RULES,
        "a text literal compared with a number literal (`'01' == 1`)",
    ),
    "ASN221": Code(
        "type-in-needs-collection",
        Area.RULES,
        "`in` with text, a number or a boolean on its right (write `contains(text, part)`)",
    ),
    "ASN222": Code(
        "type-text-ordered", Area.RULES, "`<`, `<=`, `>` or `>=` between two text literals"
    ),
    "ASN223": Code(
        "type-argument",
        Area.RULES,
        "a function given an argument of the wrong type (`pad(x, 'a')`, `len(5)`)",
    ),
    "ASN224": Code(
        "type-condition-not-boolean",
        Area.RULES,
        "a `conditions` entry that is not a true/false expression (write `is_set(name)`)",
    ),
    "ASN301": Code(
        "unknown-attribute", Area.RULES, "a rule or role shares an attribute that is not defined"
    ),
    "ASN302": Code(
        "rule-unknown-hook", Area.RULES, "a rule names a finalize hook that is not registered"
    ),
    "ASN304": Code(
        "template-syntax", Area.RULES, "a template with an unbalanced or empty `{}` placeholder"
    ),
    "ASN305": Code(
        "unknown-role",
        Area.RULES,
        "a role that is not defined is named (in a rule's roles, or by another role)",
    ),
    "ASN306": Code(
        "unknown-extends", Area.RULES, "`extends` names a rule or base that does not exist"
    ),
    "ASN307": Code("extends-cycle", Area.RULES, "rules that extend one another in a circle"),
    # -- limits on untrusted input -------------------------------------------------------
    "ASN120": Code("limit-file-size", Area.LIMITS, "a rule file larger than 1 MiB"),
    "ASN121": Code("limit-yaml-aliases", Area.LIMITS, "more than 100 YAML aliases in a rule file"),
    "ASN122": Code(
        "limit-yaml-expansion", Area.LIMITS, "more than 100,000 values after alias expansion"
    ),
    "ASN123": Code("yaml-recursive-alias", Area.LIMITS, "an alias inside its own anchor"),
    "ASN124": Code("limit-yaml-depth", Area.LIMITS, "mappings and lists nested more than 50 deep"),
    "ASN125": Code("yaml-bad-character", Area.LIMITS, "a control character in a rule file"),
    "ASN210": Code("limit-expr-length", Area.LIMITS, "an expression longer than 10,000 characters"),
    "ASN211": Code(
        "limit-expr-depth",
        Area.LIMITS,
        "an expression nested more than 100 levels (200 through named definitions)",
    ),
    "ASN212": Code(
        "expr-unsafe-regex",
        Area.LIMITS,
        "a regular expression with nested or overlapping repetition",
    ),
    "ASN410": Code("pool-bad-encoding", Area.LIMITS, "a pool byte that is not UTF-8"),
    "ASN411": Code(
        "pool-duplicate-column",
        Area.LIMITS,
        "two pool columns whose names differ only in case, or not at all",
    ),
    "ASN412": Code("pool-out-of-memory", Area.LIMITS, "the pool does not fit in memory"),
    "ASN420": Code(
        "pool-candidate-refused",
        Area.LIMITS,
        "a candidate cell that cannot be read, or names an id or type that is not made of "
        "letters, digits, `_` and `-`; the entry is left out",
        _W,
    ),
    # -- pools -------------------------------------------------------------------------
    "ASN320": Code(
        "hook-needs-unmet",
        Area.RULES,
        "a rule names a finalize hook but lacks an attribute, member field or template the "
        "hook declares it needs",
    ),
    "ASN321": Code(
        "hook-plugin-failed",
        Area.RULES,
        "a rule names an unknown hook while a hook plugin failed to import (the plugin and "
        "its error are named)",
    ),
    "ASN401": Code(
        "pool-unreadable",
        Area.POOLS,
        "a pool file that does not exist or cannot be opened (a folder, no permission)",
    ),
    "ASN404": Code(
        "pool-malformed",
        Area.POOLS,
        "a pool that cannot be read as a table: no header line, a row whose field count "
        "differs from the header's, one column only (a wrong `--delimiter`), or a "
        "`--pool-format` that does not read it",
    ),
    "ASN402": Code("pool-missing-column", Area.POOLS, "the pool lacks a column the rules need"),
    # -- output ------------------------------------------------------------------------
    "ASN501": Code(
        "output-bad-name",
        Area.OUTPUT,
        "a file name made from pool values or options that is not a plain file name",
    ),
    "ASN502": Code(
        "output-outside-folder", Area.OUTPUT, "an output path that lies outside `--path`"
    ),
    "ASN503": Code(
        "output-name-collision",
        Area.OUTPUT,
        "two outputs with one name (names that differ only in case count as one)",
    ),
    "ASN504": Code(
        "output-in-the-way",
        Area.OUTPUT,
        "an output would replace an input of the run or a folder, or a file stands where "
        "`--path` should be",
    ),
    "ASN505": Code(
        "output-stale-staging",
        Area.OUTPUT,
        "a staging folder left by an interrupted run was removed, or another run is writing "
        "to the folder",
        _W,
    ),
    "ASN506": Code(
        "output-write-failed", Area.OUTPUT, "a file could not be written; nothing was written"
    ),
    "ASN507": Code("output-encoding", Area.OUTPUT, "text that cannot be written as UTF-8"),
    "ASN508": Code(
        "output-foreign-files",
        Area.OUTPUT,
        "association files in `--path` that this run did not write",
        _W,
    ),
    # -- what a run did not make ---------------------------------------------------------
    "ASN601": Code(
        "shared-column-absent",
        Area.WARNINGS,
        "a rule selects rows for a role that must share an attribute whose every column is "
        "absent from the pool (e.g. a pool without `SUBARRAY`: no Stage 3 image association);"
        " located at the attribute's definition, naming the rule, the role and the column",
        _W,
    ),
    "ASN602": Code(
        "no-member-fields",
        Area.WARNINGS,
        "a rule made associations but has no `member_fields`, so every member is written as "
        "`{}` (and, with an `orphans` setting that reads a member field, its rows count as "
        "orphans)",
        _W,
    ),
    "ASN603": Code(
        "override-undone",
        Area.WARNINGS,
        "a rule defined in one `-r` file is replaced by a later one, so the earlier "
        "definition has no effect: an override that a later file defines again, or a user's "
        "rule replaced by a bundled ruleset loaded after it (`-r mine.yaml -r stage3`). Also "
        "reported by `lint` given several files (in `-r` order)",
        _W,
    ),
    "ASN604": Code(
        "candidate-not-found",
        Area.WARNINGS,
        "a candidate asked for with `-i` is not in the pool",
        _W,
    ),
    "ASN605": Code(
        "unknown-exposure",
        Area.WARNINGS,
        "(`explain`) an exposure that is not in the pool, with the nearest names",
    ),
    "ASN606": Code(
        "rule-made-nothing",
        Area.WARNINGS,
        "a rule of your own files (not a bundled one, whose rules mostly have nothing to do "
        "in any one pool) made no association: whether any row passed its `select` and the "
        "condition of a role that starts associations, and the conditions to check (a "
        "misspelled value such as `'nrc_imgae'` shows here)",
        _W,
    ),
    # -- lint and rule tests -------------------------------------------------------------
    "ASN701": Code(
        "rule-without-fields",
        Area.LINT,
        "a rule with no `member_fields` or `document`: its members are written as `{}`",
        _W,
    ),
    "ASN702": Code(
        "template-shadows-attribute",
        Area.LINT,
        "a template of the same name as an attribute hides it",
        _W,
    ),
    "ASN703": Code(
        "include-ignored-keys",
        Area.LINT,
        "the `defaults` or `final_pass` of an included file, which do not apply to the "
        "including file (its defaults reach its own rules only; its final pass runs when it "
        "is loaded with `-r`)",
        _W,
    ),
    "ASN704": Code(
        "new-role-near-inherited",
        Area.LINT,
        "a rule adds a role whose name is close to that of a role it inherits (`sciense` "
        "next to `science`): a misspelled role is a new role, tried after the inherited ones",
        _W,
    ),
    "ASN711": Code(
        "value-not-in-pool",
        Area.LINT,
        "(`--pool`) a literal compared with a column whose every value in the pool differs from it",
        _W,
    ),
    "ASN712": Code(
        "column-not-in-pool",
        Area.LINT,
        "(`--pool`) a column the rules read that the pool lacks",
        _W,
    ),
    "ASN790": Code(
        "rule-test-failed",
        Area.LINT,
        "(`asnrules test`) an expectation of a rule test is not met, at the line that states it",
    ),
    "ASN791": Code(
        "rule-test-invalid",
        Area.LINT,
        "(`asnrules test`) a rule-test file that is not in the rule-test format",
    ),
    # -- the reference's API -------------------------------------------------------------
    "ASN951": Code(
        "compat-unsupported",
        Area.COMPAT,
        "a feature of the reference that `asnrules.compat.jwst` does not offer: Python rule "
        "modules (see [porting.md](porting.md))",
    ),
    "ASN952": Code(
        "compat-invalid-association",
        Area.COMPAT,
        "`load_asn` or `AssociationRegistry.validate` was given a document that is not an "
        "association",
    ),
    # -- the association toolbox -----------------------------------------------------------
    "ASN901": Code("asn-unreadable", Area.TOOLS, "an association file that cannot be read"),
    "ASN902": Code("asn-json-syntax", Area.TOOLS, "an association file that is not UTF-8 JSON"),
    "ASN903": Code("asn-schema-type", Area.TOOLS, "(`validate`) a value of the wrong JSON type"),
    "ASN904": Code("asn-schema-required", Area.TOOLS, "(`validate`) a required key is missing"),
    "ASN905": Code(
        "asn-schema-empty", Area.TOOLS, "(`validate`) a list or string that must not be empty is"
    ),
    "ASN906": Code(
        "asn-folder-empty",
        Area.TOOLS,
        "(`validate`, `diff`) a folder holds no `*_asn.json` file",
        _W,
    ),
    "ASN910": Code(
        "diff-usage", Area.TOOLS, "(`diff`) a missing path, or a file compared with a folder"
    ),
    "ASN920": Code(
        "fromlist-unknown-rule", Area.TOOLS, "(`from-list`) an unknown rule, with the known ones"
    ),
    "ASN921": Code(
        "fromlist-member-spec", Area.TOOLS, "(`from-list`) a `--member` that is not `FILE:TYPE`"
    ),
    "ASN922": Code(
        "fromlist-product-name", Area.TOOLS, "(`from-list`) a Level-3 rule without `--product-name`"
    ),
    "ASN923": Code(
        "fromlist-candidate-id", Area.TOOLS, "(`from-list`) a candidate id the rule refuses"
    ),
    "ASN924": Code(
        "fromlist-not-valid",
        Area.TOOLS,
        "(`from-list`) the association would not be valid: no files, no science member, or a "
        "`c` candidate without a background member",
    ),
    "ASN930": Code(
        "makepool-fits-unreadable",
        Area.TOOLS,
        "(`make-pool`) a file that does not exist or cannot be opened",
    ),
    "ASN931": Code(
        "makepool-missing-keyword",
        Area.TOOLS,
        "(`make-pool`) a header without `OBSERVTN` or `TARGNAME`",
    ),
    "ASN932": Code(
        "makepool-candidate-spec",
        Area.TOOLS,
        "(`make-pool`) an `--asn-candidate` that is not a list of `(id, type)` pairs",
    ),
    "ASN933": Code(
        "makepool-not-fits",
        Area.TOOLS,
        "(`make-pool`) a file that is not FITS: no primary header can be read from it",
    ),
    "ASN940": Code(
        "report-nothing",
        Area.TOOLS,
        "(`report`) no association was made; the report lists only orphans",
        _W,
    ),
    "ASN945": Code(
        "upgrade-review",
        Area.TOOLS,
        "(`upgrade`) something to check by hand in an upgraded file: a rule whose inherited "
        "`members` now merge by role name, attributes that were `optional`",
        _W,
    ),
}
"""Stable diagnostic codes: never renumbered. A new code needs only its entry here: the
tables of ``docs/cli.md`` are made from them (``python -m asnrules.diagnostics --write
docs/cli.md``), and ``tests/test_diagnostics.py`` checks that each is emitted."""


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
        known = CODES.get(self.code)
        return known.name if known else "unknown"

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
    rules = [
        {"id": code, "name": c.name, "shortDescription": {"text": c.description}}
        for code, c in CODES.items()
    ]
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


_BLOCK = re.compile(r"(<!-- codes: (\w+) -->\n)(.*?)(<!-- /codes -->)", re.S)


def markdown(area: Area) -> str:
    """The Markdown table of the codes of ``area``, by code: code, name, severity, when."""
    rows = ["| code | name | severity | when |", "| --- | --- | --- | --- |"]
    for code in sorted(c for c, known in CODES.items() if known.area is area):
        known = CODES[code]
        when = known.description.replace("|", "\\|")
        rows.append(f"| {code} | {known.name} | {known.severity.value} | {when} |")
    return "\n".join(rows) + "\n"


def update_markdown(text: str) -> str:
    """``text`` with each ``<!-- codes: AREA -->`` ... ``<!-- /codes -->`` block made anew.

    Raises
    ------
    ValueError
        When a block names no area, or an area has no block (its codes would be
        documented nowhere).
    """
    seen: set[str] = set()

    def table(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in {a.value for a in Area}:
            raise ValueError(f"<!-- codes: {name} --> names no area of asnrules.diagnostics.Area")
        seen.add(name)
        return match.group(1) + markdown(Area(name)) + match.group(4)

    made = _BLOCK.sub(table, text)
    missing = [a.value for a in Area if a.value not in seen]
    if missing:
        raise ValueError(f"no <!-- codes: AREA --> block for: {', '.join(missing)}")
    return made


def main(argv: list[str] | None = None) -> int:
    """``python -m asnrules.diagnostics --markdown [AREA]`` or ``--write FILE``.

    ``--markdown`` prints the codes tables (of one area, or all); ``--write FILE`` makes
    the tables of a Markdown file (``docs/cli.md``) anew, in place.
    """
    import argparse

    parser = argparse.ArgumentParser(prog="python -m asnrules.diagnostics")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--markdown", nargs="?", const="all", choices=["all", *Area])
    action.add_argument("--write", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    if args.write is not None:
        text = args.write.read_text(encoding="utf-8")
        args.write.write_text(update_markdown(text), encoding="utf-8")
        return 0
    areas = list(Area) if args.markdown == "all" else [Area(args.markdown)]
    print("\n".join(f"<!-- codes: {a.value} -->\n{markdown(a)}<!-- /codes -->" for a in areas))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
