"""One option model: the same arguments mean the same thing through every parser.

``asnrules generate`` (typer), ``asnrules.api.Main`` and ``asnrules.compat.jwst.Main``
(argparse, the reference's vocabulary) are built from ``asnrules.options``; each test
gives the same arguments to all three and compares the ``RunOptions`` they read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import asnrules.cli.commands as cli
from asnrules import api
from asnrules.compat import jwst
from asnrules.options import BY_NAME, RUN_OPTIONS, RunOptions
from tests.conftest import EXAMPLE_POOL

runner = CliRunner()
POOL = str(EXAMPLE_POOL)
NOW = "20260102t030405"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--version-id`` alone is the time: the same second for every parser."""
    import asnrules.io.output

    monkeypatch.setattr(asnrules.io.output, "version_tag", lambda v: NOW if v is True else v)


def _typer(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> RunOptions:
    """The options ``asnrules generate POOL ARGV`` reads (it stops before running)."""
    seen: list[RunOptions] = []
    real = cli.run_options

    def capture(values: dict[str, Any]) -> RunOptions:
        seen.append(real(values))
        raise typer.Exit(0)

    monkeypatch.setattr(cli, "run_options", capture)
    result = runner.invoke(cli.app, ["generate", POOL, *argv])
    assert result.exit_code == 0, result.output
    (options,) = seen
    return options


def _api(argv: list[str]) -> RunOptions:
    return RunOptions.parsed(api._parser().parse_args([POOL, *argv]))


def _compat(argv: list[str]) -> RunOptions:
    return RunOptions.parsed(jwst._parser(False).parse_args([POOL, *argv]))


OPTION_SETS: list[tuple[list[str], dict[str, Any]]] = [
    ([], {}),
    (["-i", "o001", "-i", "o002"], {"ids": ("o001", "o002")}),
    (["-i", "o001", "o002"], {"ids": ("o001", "o002")}),
    (["--ids", "o001", "o002", "--dry-run"], {"ids": ("o001", "o002"), "dry_run": True}),
    (["-i", "o001", "o002", "-i", "c1000"], {"ids": ("o001", "o002", "c1000")}),
    (["--version-id"], {"version_id": NOW}),
    (["--version-id", "--dry-run"], {"version_id": NOW, "dry_run": True}),
    (["--version-id", "v1"], {"version_id": "v1"}),
    (["--DMS", "-i", "o001"], {"dms": True, "ids": ("o001",)}),
    (["--merge"], {"merge": True}),
    (["--per-pool-algorithm", "--discover"], {"per_pool": True, "discover": True}),
    (["--all-candidates"], {"all_candidates": True}),
    (["--save-orphans"], {"save_orphans": "orphaned.csv"}),
    (["--save-orphans", "sub/o.csv"], {"save_orphans": "sub/o.csv"}),
    (["--dry-run", "-p", "out"], {"dry_run": True, "path": Path("out")}),
    (["-r", "a.yaml", "--rules", "b.yaml"], {"ruleset": ("a.yaml", "b.yaml")}),
    (["--ignore-default", "--ruleset", "a.yaml"], {"ignore_default": True, "ruleset": ("a.yaml",)}),
    (["-d", ",", "--pool-format", "csv"], {"delimiter": ",", "pool_format": "csv"}),
    (["--no-finalize"], {"no_finalize": True}),
    (["-d", "-"], {"delimiter": "-"}),
]


@pytest.mark.parametrize(
    ("argv", "expected"), OPTION_SETS, ids=[" ".join(a) or "none" for a, _ in OPTION_SETS]
)
def test_the_same_arguments_mean_the_same_thing(
    argv: list[str], expected: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    want = RunOptions(**expected)
    assert _typer(argv, monkeypatch) == want
    assert _api(argv) == want
    assert _compat(argv) == want


def test_main_objects_keep_the_options(tmp_path: Path) -> None:
    argv = [POOL, "--dry-run", "-i", "o001", "o002", "--version-id", "v2"]
    want = RunOptions(ids=("o001", "o002"), dry_run=True, version_id="v2")
    assert jwst.Main(argv).options == want
    assert jwst.Main(argv).parsed.asn_candidate_ids == ["o001", "o002"]  # the reference's name
    assert api.Main(argv).options == want


USAGE_ERRORS: list[tuple[list[str], tuple[str, ...]]] = [
    (["--discover", "--all-candidates"], ("--discover", "--all-candidates")),
    (["-i", "o001", "--discover"], ("-i/--ids", "--discover")),
    (["--all-candidates", "-i", "o001"], ("-i/--ids", "--all-candidates")),
    (["-p", "--dry-run"], ("-p",)),
    (["-p"], ("-p",)),
    (["-i"], ("-i",)),
    (["--no-such-option"], ("--no-such-option",)),
    (["--disc"], ("--disc",)),  # no abbreviations: typer has none
]


@pytest.mark.parametrize(
    ("argv", "named"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS]
)
def test_usage_errors_exit_2_everywhere(
    argv: list[str], named: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    result = runner.invoke(cli.app, ["generate", POOL, *argv])
    assert result.exit_code == 2
    assert all(name in result.output for name in named), result.output
    for main in (api.Main, jwst.Main):
        with pytest.raises(SystemExit) as info:
            main([POOL, *argv])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert all(name in err for name in named), err


def test_a_clash_is_said_in_the_same_words() -> None:
    typer_says = runner.invoke(cli.app, ["generate", POOL, "--discover", "-i", "o001"]).output
    assert "argument --discover: not allowed with argument -i/--ids" in typer_says


def _params(command: str) -> dict[str, Any]:
    found = typer.main.get_command(cli.app).commands[command]  # type: ignore[attr-defined]
    return {p.name: p for p in found.params if p.name}


@pytest.mark.parametrize("command", ["generate", "explain", "report"])
def test_typer_options_are_the_declared_ones(command: str) -> None:
    params = _params(command)
    shared = [o for o in RUN_OPTIONS if o.name in params]
    assert len(shared) >= 5
    for option in shared:
        param = params[option.name]
        assert isinstance(param, typer.core.TyperOption)
        assert set(param.opts) == set(option.flags), option.name
        assert param.help == option.help
        assert param.is_flag == (option.kind == "flag"), option.name
        assert param.multiple == (option.kind in ("repeat", "values")), option.name
        default = param.default
        assert (Path(default) if option.type is Path else default) == option.default, option.name


def test_generate_takes_every_run_option() -> None:
    assert set(BY_NAME) <= set(_params("generate"))


def test_explain_reads_ids_as_generate_does(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "asnrules.checks.explain.explain", lambda pool, exposures, rules, **kw: seen.append(kw)
    )
    monkeypatch.setattr("asnrules.checks.explain.render_text", lambda found: "")
    result = runner.invoke(cli.app, ["explain", POOL, "3", "-i", "o001", "o002"])
    assert result.exit_code == 0, result.output
    assert seen[0]["ids"] == ["o001", "o002"]
