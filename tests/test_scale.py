"""The speed-ups keep results: the direct pool reader, the parse cache, row facts."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from asnrules.engine.rowfacts import NO_ROLE, RowFacts
from asnrules.io.pool import ORIGINAL, ORIGINAL_NAMES, ROW_LINES, pool_rows, read_pool
from asnrules.io.poolread import PoolData, read_pool_fast
from asnrules.language import expressions, parsecache
from asnrules.language.compiler import columns_read
from asnrules.language.loader import load_rulesets

from .conftest import corpus_or_skip


def _same_as_astropy(path: Path) -> None:
    fast = read_pool_fast(path)
    slow = read_pool(path)
    assert isinstance(fast, PoolData)
    assert fast.colnames == list(slow.colnames)
    assert fast.rows == pool_rows(slow)
    for key in ("pool_file", ORIGINAL, ORIGINAL_NAMES, ROW_LINES):
        assert fast.meta[key] == slow.meta[key], key


def test_direct_reader_reads_every_corpus_pool_as_astropy_does() -> None:
    pools = sorted((corpus_or_skip() / "pools").glob("*.csv"))
    for path in pools:
        _same_as_astropy(path)


def test_direct_reader_keeps_odd_cells(tmp_path: Path) -> None:
    text = (
        "# a comment\nFileName | Exp_Type|PROGRAM |asn_candidate\n"
        "  jw1_İ.fits|NRC_IMAGE| 00632|\t[('o001', 'observation')]\n"
        "   # indented comment\n\n"
        "jw2.fits||0|null\n"
    )
    path = tmp_path / "odd.csv"
    path.write_text(text, encoding="utf-8")
    _same_as_astropy(path)
    rows = read_pool_fast(path).rows
    assert rows[0]["filename"] == "jw1_i̇.fits"
    assert rows[1]["exp_type"] == "null"


def test_quoted_or_ragged_pools_go_to_astropy(tmp_path: Path) -> None:
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('a|b\n"x|y"|z\n', encoding="utf-8")
    assert not isinstance(read_pool_fast(quoted), PoolData)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a|b\n1|2|3\n", encoding="utf-8")
    with pytest.raises(Exception, match="3 fields"):
        read_pool_fast(ragged)


def test_parse_cache_is_used_and_a_corrupt_one_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("ASNRULES_NO_CACHE", raising=False)
    monkeypatch.setattr(parsecache, "_TREES", None)
    tree = expressions.parse("a == 'b'")
    parsecache.save()
    (found,) = (tmp_path / "asnrules").glob("expressions-*.pickle")
    with found.open("rb") as handle:
        assert pickle.load(handle)["a == 'b'"] == tree
    found.write_bytes(b"not a pickle")
    monkeypatch.setattr(parsecache, "_TREES", None)
    assert expressions.parse("a == 'b'") == tree
    found.write_bytes(pickle.dumps({"a == 'b'": "not a tree"}))
    monkeypatch.setattr(parsecache, "_TREES", None)
    assert expressions.parse("a == 'b'") == tree
    monkeypatch.setenv("ASNRULES_NO_CACHE", "1")
    assert parsecache.lookup("a == 'b'") is None


def test_direct_reader_folds_rows_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("FileName|Exp_Type\njw1_A.fits|NRC_IMAGE\njw2.fits| \n", encoding="utf-8")
    pool = read_pool_fast(path)
    assert isinstance(pool, PoolData)
    assert len(pool) == 2
    kept = pool_rows(pool, fold=False)
    assert kept == [
        {"filename": "jw1_A.fits", "exp_type": "NRC_IMAGE"},
        {"filename": "jw2.fits", "exp_type": "null"},
    ]
    assert pool._rows is None  # case: keep never lower-cases the rows
    assert pool_rows(pool) == [
        {"filename": "jw1_a.fits", "exp_type": "nrc_image"},
        {"filename": "jw2.fits", "exp_type": "null"},
    ]


MEMBER_WHEN = """\
asnrules: 1.0
candidates: {column: asn_candidate}
attributes:
  band: band
  target: {value: targetid, when: member.kind == 'science'}
defaults:
  member_fields: {expname: filename, kind: "'science' if band == 'a' else 'other'"}
  product: "{candidate.id}-{band}"
  document: {asn_type: asn_type, products: products}
rules:
  R: {asn_type: x, share: [band, target]}
"""


def _member_when(tmp_path: Path) -> tuple[Any, Any, Any, list[dict[str, str]]]:
    """The MEMBER_WHEN ruleset, its rule R, R's ``target`` attribute, and two rows."""
    path = tmp_path / "rules.yaml"
    path.write_text(MEMBER_WHEN, encoding="utf-8")
    ruleset, _ = load_rulesets([path], collect=True)
    rule = ruleset.rules["R"]
    _, target = rule.share
    rows = [{"band": b, "filename": f, "targetid": "t"} for b, f in (("a", "1"), ("b", "2"))]
    return ruleset, rule, target, rows


def test_a_member_when_is_kept_by_the_columns_of_the_fields_it_reads(tmp_path: Path) -> None:
    ruleset, rule, target, rows = _member_when(tmp_path)
    assert target.when is not None
    assert columns_read(ruleset.reads, target.when) == frozenset({"member.kind"})
    facts = RowFacts(ruleset)
    assert [facts.member_when(target, rule, NO_ROLE, r) for r in rows] == [True, False]
    (memo,) = facts._member_memos.values()
    assert memo.columns == ("band",)  # the kind's formula's column; not the file name
    fields = [facts.member_fields(rule, NO_ROLE, r) for r in rows * 2]
    assert fields[0] == {"expname": "1", "kind": "science"} and fields[2] is fields[0]
    assert fields[1] == {"expname": "2", "kind": "other"}


def test_forgotten_row_facts_are_made_again_the_same(tmp_path: Path) -> None:
    ruleset, rule, target, rows = _member_when(tmp_path)
    facts = RowFacts(ruleset)

    def ask() -> list[Any]:
        return [
            (facts.member_when(target, rule, NO_ROLE, r), facts.member_fields(rule, NO_ROLE, r))
            for r in rows
        ]

    before = ask()
    facts.forget()
    assert not facts._member_memos and not facts._field_memos
    assert ask() == before
