"""Rule tests: small pools written in YAML with the associations they must give.

A test file (see ``docs/rule-tests.md``) holds named tests. Each gives a few rows (the
columns that matter; the rest are filled from documented defaults and read as not set),
and the associations the rules must make from them: type, rule, product name and the
members in order with their exptype, and optionally the orphan rows. A failed
expectation is a diagnostic located at the line of the test file that states it.

The bundled tests (``rulesets/tests/*.yaml``) pin every bundled rule; each was checked
against the reference generator when it was written.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asnrules.diagnostics import AsnRulesError, Diagnostic
from asnrules.engine.ruleset import Ruleset
from asnrules.language.positions import PathKey, SourceMap, load_yaml
from asnrules.resources import DEFAULT_RULESETS, data_dir

NULL = "null"

FILE_KEYS = {"asnrules-tests", "description", "rulesets", "defaults", "tests"}
TEST_KEYS = {"description", "rules", "mode", "defaults", "rows", "associations", "orphans"}
ASSOCIATION_KEYS = {"rule", "asn_type", "product", "members"}
MODES = ("default", "all-candidates", "discover")
NAME_COLUMN = "filename"
"""The column naming a test's rows (orphans are named by it without an identity column)."""
BUILTIN_DEFAULTS = {NAME_COLUMN: "{name}_uncal.fits"}
"""Row defaults applied before a file's and a test's ``defaults`` (``{name}`` is the row's)."""


@dataclass
class Expected:
    """One expected association, with where each part was written."""

    rule: str
    asn_type: str | None
    product: str
    members: list[tuple[str, str]]
    where: PathKey


@dataclass
class RuleTest:
    """One test case of a test file."""

    name: str
    source: SourceMap
    where: PathKey
    rulesets: list[str]
    rules: list[str]
    mode: str
    rows: list[dict[str, str]]
    expected: list[Expected]
    orphans: list[str] | None


@dataclass
class Outcome:
    """The result of one test: its failures (empty when it passed)."""

    test: RuleTest
    failures: list[Diagnostic] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """Whether every expectation held."""
        return not self.failures


def bundled_tests() -> list[Path]:
    """Return the bundled rule-test files (``rulesets/tests/*.yaml``)."""
    folder = data_dir("rulesets") / "tests"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def read_tests(path: Path) -> list[RuleTest]:
    """Read one test file.

    Raises
    ------
    AsnRulesError
        When the file is unreadable or not a valid test file (ASN791).
    """
    data, source = load_yaml(path, str(path))
    problems: list[Diagnostic] = []

    def bad(loc: PathKey, message: str, *, key: bool = False) -> None:
        problems.append(source.diagnostic(loc, "ASN791", message, key=key))

    if not isinstance(data, dict) or not isinstance(data.get("tests"), dict):
        raise AsnRulesError(
            [source.diagnostic((), "ASN791", "a test file is a mapping with a 'tests:' mapping")]
        )
    _unknown_keys(data, FILE_KEYS, (), bad)
    rulesets = _strings(data.get("rulesets", []), ("rulesets",), bad)
    base = path.parent
    rulesets = [str(base / r) if (base / r).is_file() else r for r in rulesets]
    file_defaults = _mapping(data.get("defaults", {}), ("defaults",), bad)
    tests = []
    for name, body in data["tests"].items():
        where: PathKey = ("tests", name)
        if not isinstance(body, dict):
            bad(where, f"test {name!r} must be a mapping")
            continue
        _unknown_keys(body, TEST_KEYS, where, bad)
        mode = str(body.get("mode") or "default")
        if mode not in MODES:
            bad((*where, "mode"), f"unknown mode {mode!r}; one of {', '.join(MODES)}")
        defaults = {
            **file_defaults,
            **_mapping(body.get("defaults", {}), (*where, "defaults"), bad),
        }
        rows = _rows(body.get("rows"), (*where, "rows"), defaults, bad)
        expected = _expected(body.get("associations"), (*where, "associations"), bad)
        orphans = body.get("orphans")
        tests.append(
            RuleTest(
                name=str(name),
                source=source,
                where=where,
                rulesets=rulesets,
                rules=_strings(body.get("rules", []), (*where, "rules"), bad),
                mode=mode,
                rows=rows,
                expected=expected,
                orphans=None if orphans is None else _strings(orphans, (*where, "orphans"), bad),
            )
        )
    if problems:
        raise AsnRulesError(problems)
    return tests


def _unknown_keys(data: dict[str, Any], known: set[str], where: PathKey, bad: Any) -> None:
    from asnrules.language.suggest import did_you_mean

    for key in data:
        if key not in known:
            bad((*where, key), f"unknown key {key!r}{did_you_mean(key, known)}", key=True)


def _strings(value: Any, where: PathKey, bad: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        bad(where, "expected a list of names")
        return []
    return list(value)


def _mapping(value: Any, where: PathKey, bad: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        bad(where, "expected a mapping of column to value")
        return {}
    return {str(k).lower(): NULL if v is None else str(v) for k, v in value.items()}


def _rows(value: Any, where: PathKey, defaults: dict[str, str], bad: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        bad(where, "'rows' must be a non-empty list of rows")
        return []
    rows = []
    for i, raw in enumerate(value):
        given = _mapping(raw, (*where, i), bad)
        if "name" not in given and "filename" not in given:
            bad((*where, i), "a row needs a 'name' (or a 'filename')")
            continue
        rows.append(fill_row(given, defaults, (*where, i), bad))
    return rows


def fill_row(
    given: dict[str, str], defaults: dict[str, str], where: PathKey = (), bad: Any = None
) -> dict[str, str]:
    """Apply the built-in and the given defaults to a row; expand ``{column}`` in defaults.

    A default value may name other columns of the same row in braces
    (``"[('o{obs_num}', 'observation')]"``); ``{name}`` is the row's short name, kept
    under ``name`` (not a pool column: :func:`produce` leaves it out).
    """
    row = dict(given)
    templates = {**BUILTIN_DEFAULTS, **defaults}
    pending = {k: v for k, v in templates.items() if k not in row}
    for key, text in pending.items():
        fields = [f for _, f, _, _ in string.Formatter().parse(text) if f]
        values = {f: row.get(f, pending.get(f, NULL)) for f in fields}
        try:
            row[key] = text.format_map(values)
        except (ValueError, IndexError) as exc:
            if bad is not None:
                bad(where, f"default {key!r}: {exc}")
            row[key] = text
    return row


def _expected(value: Any, where: PathKey, bad: Any) -> list[Expected]:
    if value is None:
        value = []
    if not isinstance(value, list):
        bad(where, "'associations' must be a list")
        return []
    found = []
    for i, item in enumerate(value):
        at = (*where, i)
        if not isinstance(item, dict) or "rule" not in item or "product" not in item:
            bad(at, "an association needs at least 'rule' and 'product'")
            continue
        _unknown_keys(item, ASSOCIATION_KEYS, at, bad)
        members = []
        for j, member in enumerate(item.get("members") or []):
            if isinstance(member, dict) and len(member) == 1:
                ((expname, exptype),) = member.items()
                members.append((str(expname), str(exptype)))
            else:
                bad((*at, "members", j), "a member is written 'EXPNAME: EXPTYPE'")
        found.append(
            Expected(str(item["rule"]), item.get("asn_type"), str(item["product"]), members, at)
        )
    return found


@dataclass
class Produced:
    """One association as generated: rule, type, product name, members."""

    rule: str
    asn_type: str
    product: str
    members: list[tuple[str, str]]

    def label(self) -> str:
        """Short description for messages."""
        return f"{self.product} ({self.rule}, {len(self.members)} members)"


def produce(
    test: RuleTest, rulesets: Sequence[str] | None
) -> tuple[list[Produced], list[tuple[str, str]]]:
    """Generate from the test's rows; return the associations and the orphans.

    Each orphan is its row's short name (``''`` when the row has none) and its identity.
    """
    from asnrules.engine.generator import Options, check_columns, generate
    from asnrules.io.output import named_documents, orphan_rows

    ruleset = _ruleset(tuple(rulesets or test.rulesets))
    columns = {ruleset.identity or "", ruleset.candidate_column or "", *ruleset.required_columns}
    for row in test.rows:
        columns.update(c for c in row if c != "name")
    fold = str.lower if ruleset.case_fold else str
    rows = [{c: fold(row.get(c, NULL)) for c in sorted(columns) if c} for row in test.rows]
    label = f"{test.source.path}#{test.name}"
    check_columns(list(rows[0]), ruleset, label)
    if test.mode == "discover":
        options = Options(discover=True, keep_candidates=False)
    else:
        options = Options(discover=test.mode == "default")
    associations = generate(rows, ruleset, options, label)
    produced = []
    named = named_documents(associations, ruleset.not_set)
    for asn, (_, doc) in zip(associations, named, strict=True):
        for product in doc.get("products", []):
            identity = ruleset.member_identity(asn.rule) or tuple(
                name for name, _ in asn.rule.member_fields
            )
            members = [_name_and_kind(m, identity) for m in product["members"]]
            produced.append(
                Produced(asn.rule.name, str(doc.get("asn_type")), product["name"], members)
            )
    orphans = [
        (
            str(test.rows[i].get("name", "")),
            str(rows[i].get(ruleset.identity or NAME_COLUMN, "")),
        )
        for i in orphan_rows(rows, associations, ruleset.orphans)
    ]
    return produced, orphans


def _name_and_kind(member: dict[str, Any], identity: Sequence[str]) -> tuple[str, str]:
    """The member's name and kind as a test writes them (``NAME: KIND``).

    They are its first two ``member_identity`` fields (when the ruleset declares none,
    the rule's first two ``member_fields``; no kind when there is one field).
    """
    name, kind = (*identity, "", "")[:2]
    return str(member.get(name)), (str(member.get(kind)) if kind else "")


_LOADED: dict[tuple[str, ...], tuple[tuple[float, ...], Ruleset]] = {}


def _ruleset(names: tuple[str, ...]) -> Ruleset:
    """Load rulesets once per run (reloaded when a file changed)."""
    from asnrules.language.documents import resolve_ruleset_path
    from asnrules.language.loader import load_rulesets

    stamps = tuple(
        p.stat().st_mtime if p.is_file() else 0.0
        for p in (resolve_ruleset_path(n) for n in names or DEFAULT_RULESETS)
    )
    cached = _LOADED.get(names)
    if cached is None or cached[0] != stamps:
        ruleset, _ = load_rulesets(list(names) or None)
        _LOADED[names] = (stamps, ruleset)
        return ruleset
    return cached[1]


def check(test: RuleTest, rulesets: Sequence[str] | None = None) -> Outcome:
    """Run one test and compare what it made with what it expects.

    Raises
    ------
    AsnRulesError
        When the rules cannot be loaded.
    """
    outcome = Outcome(test)
    src = test.source

    def fail(loc: PathKey, message: str) -> None:
        outcome.failures.append(src.diagnostic(loc, "ASN790", f"{test.name}: {message}"))

    produced, orphans = produce(test, rulesets)
    if test.rules:
        wanted = {r.lower() for r in test.rules}
        produced = [p for p in produced if p.rule.lower() in wanted]
        made = {p.rule.lower() for p in produced}
        for i, rule in enumerate(test.rules):
            if rule.lower() not in made:
                fail((*test.where, "rules", i), f"rule {rule} made no association")
    unused = list(produced)
    for exp in test.expected:
        match = next(
            (p for p in unused if p.rule.lower() == exp.rule.lower() and p.product == exp.product),
            None,
        )
        if match is None:
            same = [p.product for p in unused if p.rule.lower() == exp.rule.lower()]
            hint = f"; {exp.rule} made: {', '.join(same)}" if same else ""
            fail(
                (*exp.where, "product"),
                f"expected association {exp.product} ({exp.rule}) is missing{hint}",
            )
            continue
        unused.remove(match)
        if exp.asn_type is not None and str(exp.asn_type) != match.asn_type:
            fail((*exp.where, "asn_type"), f"asn_type is {match.asn_type}, expected {exp.asn_type}")
        _compare_members(exp, match, fail)
    for p in unused:
        fail((*test.where, "associations"), f"unexpected association {p.label()}")
    if test.orphans is not None:
        _compare_orphans(test, orphans, fail)
    return outcome


def _compare_members(exp: Expected, got: Produced, fail: Any) -> None:
    made = dict(got.members)
    names = [m[0] for m in got.members]
    for j, (expname, exptype) in enumerate(exp.members):
        at = (*exp.where, "members", j)
        if expname not in made:
            fail(at, f"expected member {expname} ({exptype}) is missing from {exp.product}")
        elif made[expname] != exptype:
            fail(at, f"member {expname} has exptype {made[expname]}, expected {exptype}")
        elif j < len(names) and names[j] != expname:
            fail(
                at, f"member {expname} is at position {names.index(expname) + 1}, expected {j + 1}"
            )
    wanted = {m[0] for m in exp.members}
    for expname, exptype in got.members:
        if expname not in wanted:
            fail(
                (*exp.where, "members"), f"unexpected member {expname} ({exptype}) in {exp.product}"
            )


def _compare_orphans(test: RuleTest, orphans: list[tuple[str, str]], fail: Any) -> None:
    """Each orphan is expected by its row's short name or by its identity (file name)."""

    def short(filename: str) -> str:
        suffix = BUILTIN_DEFAULTS[NAME_COLUMN].replace("{name}", "")
        return filename[: -len(suffix)] if filename.endswith(suffix) else filename

    got = {
        name.lower() or short(identity.lower()): {name.lower(), short(identity.lower())} - {""}
        for name, identity in orphans
    }
    want = [short(o.lower()) for o in test.orphans or []]
    for i, name in enumerate(want):
        if not any(name in keys for keys in got.values()):
            fail((*test.where, "orphans", i), f"{name} is not an orphan: it is in an association")
    for shown, keys in sorted(got.items()):
        if not keys & set(want):
            fail((*test.where, "orphans"), f"unexpected orphan {shown}")


def run_files(
    paths: Sequence[Path], rulesets: Sequence[str] | None = None
) -> tuple[list[Outcome], list[Diagnostic]]:
    """Run every test of the given files.

    Returns
    -------
    outcomes, broken
        One outcome per test, and the problems of test files that could not be read.
    """
    outcomes: list[Outcome] = []
    broken: list[Diagnostic] = []
    for path in paths:
        if not path.is_file():
            broken.append(Diagnostic(str(path), 0, 0, "ASN001", "no such test file"))
            continue
        try:
            tests = read_tests(path)
        except AsnRulesError as exc:
            broken.extend(exc.diagnostics)
            continue
        for test in tests:
            try:
                outcomes.append(check(test, rulesets))
            except AsnRulesError as exc:
                broken.extend(d for d in exc.diagnostics if d not in broken)
    return outcomes, broken


def summary(outcomes: Sequence[Outcome]) -> str:
    """The closing line: ``N passed, M failed``."""
    failed = sum(not o.passed for o in outcomes)
    return f"{len(outcomes) - failed} passed, {failed} failed"
