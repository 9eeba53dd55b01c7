"""The compiled-ruleset cache: a hit runs as a fresh load does, and every input invalidates it."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.api import run
from asnrules.cli.main import app
from asnrules.diagnostics import AsnRulesError
from asnrules.engine import hooks
from asnrules.engine.hookapi import Needs
from asnrules.engine.hooks import HookEntry
from asnrules.engine.ruleset import Ruleset
from asnrules.language import closurepickle, loader, rulecache

from .conftest import corpus_or_skip

POOLS = [
    "pool_001_candidates_realized",
    "pool_004_wfs_realized",
    "pool_013_coron_nircam_realized",
    "pool_019_niriss_wfss_realized",
    "pool_023_nirspec_msa_3nod_realized",
    "pool_018_all_exptypes_realized",
    "jw00632_dups",
]

COMMON = """\
asnrules: 1.0
lists:
  kinds: [science]
"""

MAIN = """\
asnrules: 1.0
name: small
include: [common.yaml]
candidates: {column: cand}
attributes:
  band: band
rules:
  Stack:
    asn_type: stack
    select: [kind in kinds]
    share: [band]
    member_fields: {expname: name}
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder, the cache on."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("ASNRULES_NO_CACHE", raising=False)
    return tmp_path / "cache" / "asnrules"


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The loads that compiled (a miss), each noted by the names it was given."""
    made: list[object] = []
    real = loader.load_rulesets

    def counting(names: object, **kwargs: object) -> tuple[Ruleset, list[object]]:
        made.append(names)
        return real(names, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_rulesets", counting)
    return made


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A rule file including another, in a folder of their own."""
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "common.yaml").write_text(COMMON, encoding="utf-8")
    (folder / "main.yaml").write_text(MAIN, encoding="utf-8")
    return folder / "main.yaml"


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("compiled-*.pickle"))


def _kinds(ruleset: Ruleset) -> object:
    """What the select of the only rule lets through, on three rows."""
    rule = ruleset["Stack"]
    assert rule.select is not None
    return [bool(rule.select(_Scope({"kind": kind}))) for kind in ("science", "flat", "dark")]


class _Scope:
    """The little of a scope a row condition reads."""

    def __init__(self, row: dict[str, str]) -> None:
        self.row = row

    @staticmethod
    def truth(value: object) -> bool:
        return bool(value)


def test_a_hit_makes_the_associations_of_a_fresh_load(
    cache: Path, compiles: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = corpus_or_skip()
    names = ["stage2.yaml", "stage3.yaml"]
    monkeypatch.setenv("ASNRULES_NO_CACHE", "1")
    fresh, fresh_notes = rulecache.load_rules(names)
    monkeypatch.delenv("ASNRULES_NO_CACHE")
    rulecache.load_rules(names)
    assert len(compiles) == 2 and len(_entries(cache)) == 1
    cached, cached_notes = rulecache.load_rules(names)
    assert len(compiles) == 2  # the third load compiled nothing
    assert cached_notes == fresh_notes
    assert list(cached.rules) == list(fresh.rules)
    assert cached.required_columns == fresh.required_columns
    assert len(cached.reads) == len(fresh.reads)
    assert all(id(c) == key for key, (c, _) in cached.reads.items())
    for pool in POOLS:
        path = corpus / "pools" / f"{pool}.csv"
        for per_pool in (False, True):
            want = run(path, ruleset=fresh, per_pool=per_pool)
            got = run(path, ruleset=cached, per_pool=per_pool)
            assert got.files == want.files, pool
            assert got.orphans == want.orphans, pool
            assert got.warnings == want.warnings, pool


def test_editing_an_included_file_invalidates(
    cache: Path, compiles: list[object], rules: Path
) -> None:
    assert _kinds(rulecache.load_rules([rules])[0]) == [True, False, False]
    assert _kinds(rulecache.load_rules([rules])[0]) == [True, False, False]
    assert len(compiles) == 1
    common = rules.parent / "common.yaml"
    common.write_text(COMMON.replace("[science]", "[science, flat]"), encoding="utf-8")
    assert _kinds(rulecache.load_rules([rules])[0]) == [True, True, False]
    assert len(compiles) == 2
    common.unlink()  # now the include is missing: an error, never a stale hit
    with pytest.raises(AsnRulesError, match="ASN002"):
        rulecache.load_rules([rules])


def test_a_file_appearing_where_a_load_looked_invalidates(
    cache: Path, compiles: list[object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    rulecache.load_rules(["stage3.yaml"])  # the bundled one: no such file here
    rulecache.load_rules(["stage3.yaml"])
    assert len(compiles) == 1
    Path("stage3.yaml").write_text(MAIN.replace("common.yaml", "jwst-common.yaml"))
    with pytest.raises(AsnRulesError):  # this folder's stage3.yaml is read now
        rulecache.load_rules(["stage3.yaml"])
    assert len(compiles) == 2


def test_the_version_and_the_code_are_in_the_key(
    cache: Path, compiles: list[object], rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rulecache.load_rules([rules])
    monkeypatch.setattr(rulecache, "__version__", "0.0.0-other")
    rulecache.load_rules([rules])
    monkeypatch.setattr(rulecache, "_code", lambda: "other code")
    rulecache.load_rules([rules])
    assert len(compiles) == 3
    assert len(_entries(cache)) == 3
    rulecache.load_rules([rules])
    assert len(compiles) == 3


@pytest.fixture
def registry() -> Iterator[None]:
    """Leave the hook registry as it was."""
    hooks.load_plugins()
    saved = dict(hooks.HOOKS)
    yield
    hooks.HOOKS.clear()
    hooks.HOOKS.update(saved)


def _hook_rules(rules: Path) -> None:
    """Register the hook ``test.keep``, make ``rules`` name it, and load them once."""
    hooks.HOOKS["test.keep"] = HookEntry("test.keep", _keep, "Keep.", "finalize: [test.keep]")
    rules.write_text(MAIN + "    finalize: [test.keep]\n", encoding="utf-8")
    rulecache.load_rules([rules])


def _keep(asn: object) -> list[object]:
    """Keep the association."""
    return [asn]


def test_a_hook_changed_or_gone_is_never_a_stale_hit(
    cache: Path, compiles: list[object], rules: Path, registry: None
) -> None:
    _hook_rules(rules)
    ruleset, _ = rulecache.load_rules([rules])
    assert len(compiles) == 1
    assert ruleset["Stack"].finalize[0].entry is hooks.HOOKS["test.keep"]  # type: ignore[attr-defined]
    needs = Needs(attributes=("absent",))
    hooks.HOOKS["test.keep"] = HookEntry("test.keep", _keep, "Keep.", "", needs)
    with pytest.raises(AsnRulesError, match="ASN320"):
        rulecache.load_rules([rules])
    del hooks.HOOKS["test.keep"]
    with pytest.raises(AsnRulesError, match="ASN302"):
        rulecache.load_rules([rules])


def test_a_stale_hook_makes_the_entry_compile_again(
    cache: Path, compiles: list[object], rules: Path, registry: None
) -> None:
    _hook_rules(rules)
    (entry,) = _entries(cache)
    with entry.open("rb") as handle:
        payload = pickle.load(handle)["payload"]
    del hooks.HOOKS["test.keep"]
    with pytest.raises(closurepickle.StaleError):
        closurepickle.loads(payload)


def test_a_corrupt_or_foreign_entry_is_ignored_and_rewritten(
    cache: Path, compiles: list[object], rules: Path
) -> None:
    rulecache.load_rules([rules])
    (entry,) = _entries(cache)
    for bad in (
        b"not a pickle",
        pickle.dumps({"key": "another key", "files": [], "payload": b""}),
        pickle.dumps(Path("a class in the envelope")),
    ):
        entry.write_bytes(bad)
        assert _kinds(rulecache.load_rules([rules])[0]) == [True, False, False]
        assert _entries(cache) == [entry]
    assert len(compiles) == 4
    rulecache.load_rules([rules])
    assert len(compiles) == 4  # the rewritten entry is used


def test_no_cache_turns_it_off(
    cache: Path, compiles: list[object], rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASNRULES_NO_CACHE", "1")
    rulecache.load_rules([rules])
    rulecache.load_rules([rules])
    assert len(compiles) == 2
    assert not cache.exists() or _entries(cache) == []


def test_old_entries_are_pruned(cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rulecache, "MAX_ENTRIES", 2)
    for version in ("1", "2", "3"):
        monkeypatch.setattr(rulecache, "__version__", version)
        rulecache.load_rules([rules])
    assert len(_entries(cache)) == 2


def test_lint_output_is_the_same_cached_or_not(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lint.yaml"
    text = MAIN.replace("include: [common.yaml]\n", "").replace("kind in kinds", "kind == 1 +")
    path.write_text(text + "  Unused:\n    asn_type: x\n", encoding="utf-8")
    runner = CliRunner()
    for fmt in ("concise", "full", "json", "sarif", "github"):
        args = ["lint", "--format", fmt, str(path), "stage3.yaml"]
        monkeypatch.setenv("ASNRULES_NO_CACHE", "1")
        plain = runner.invoke(app, args)
        monkeypatch.delenv("ASNRULES_NO_CACHE")
        first, second = runner.invoke(app, args), runner.invoke(app, args)
        assert plain.exit_code == 1 and "ASN" in plain.output
        for cached in (first, second):
            assert (cached.exit_code, cached.output) == (plain.exit_code, plain.output)
    assert len(list(cache.glob("compiled-lint-*.pickle"))) == 1


def _python(code: str, cache: Path, *, on: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new Python with ``cache`` as the cache home (the cache on or off)."""
    flag = "0" if on else "1"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "ASNRULES_NO_CACHE": flag}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_a_cached_generate_imports_neither_yaml_pydantic_lark_nor_astropy(
    tmp_path: Path,
) -> None:
    corpus = corpus_or_skip()
    pool = corpus / "pools" / "pool_004_wfs_realized.csv"
    code = (
        "import sys\n"
        "from asnrules.api import run\n"
        f"result = run({str(pool)!r})\n"
        "print(len(result.files), sorted(m for m in ('yaml', 'pydantic', 'lark', 'astropy')"
        " if m in sys.modules))\n"
    )
    cold = _python(code, tmp_path).stdout.strip()
    assert cold.endswith("['lark', 'pydantic', 'yaml']")
    count = cold.split()[0]
    assert _python(code, tmp_path).stdout.strip() == f"{count} []"


def test_a_cached_command_prints_what_a_cold_one_does(tmp_path: Path) -> None:
    corpus = corpus_or_skip()
    pool = corpus / "pools" / "pool_004_wfs_realized.csv"
    args = ["generate", str(pool), "-r", "stage3.yaml", "-r", "stage3", "--dry-run", "-v"]
    code = (
        "import sys\n"
        "from asnrules.cli.main import main\n"
        f"sys.argv = ['asnrules', *{args!r}]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    import typer\n"
        "    old = tuple(map(int, typer.__version__.split('.')[:2])) < (0, 29)\n"
        "    seen = [m for m in ('yaml', 'lark') + ('pydantic',) * old if m in sys.modules]\n"
        "    print(seen, file=sys.stderr)\n"
    )
    plain = _python(code, tmp_path, on=False)
    assert "ASN012" in plain.stderr and "['yaml', 'lark'" in plain.stderr
    _python(code, tmp_path)
    cached = _python(code, tmp_path)
    assert cached.stderr.endswith("[]\n")
    assert (cached.returncode, cached.stdout) == (plain.returncode, plain.stdout)
    assert cached.stderr.splitlines()[:-1] == plain.stderr.splitlines()[:-1]


TABLE: dict[str, int] = {}


def test_a_closure_that_reads_a_mutable_global_is_refused() -> None:
    def reads_table(key: str) -> int:
        return TABLE.get(key, 0)

    with pytest.raises(closurepickle.Unpicklable):
        closurepickle.dumps(reads_table)


def test_a_closure_that_assigns_its_enclosing_variables_is_refused() -> None:
    count = 0

    def counts() -> int:
        nonlocal count
        count += 1
        return count

    with pytest.raises(closurepickle.Unpicklable):
        closurepickle.dumps(counts)


def test_closures_come_back_as_plain_functions() -> None:
    def outer(n: int) -> Callable[[int], int]:
        def again(k: int) -> int:
            return k if k <= 0 else again(k - n)

        return again

    rebuilt = closurepickle.loads(closurepickle.dumps(outer(2)))
    assert type(rebuilt) is type(outer) and rebuilt(7) == -1
