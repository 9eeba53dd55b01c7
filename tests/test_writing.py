"""A run writes all of its files, inside its folder, or none (issue: nothing lost)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.api import Main, generate, run
from asnrules.cli.main import app
from asnrules.diagnostics import AsnRulesError, OutputError, UsageError
from asnrules.io import writing
from asnrules.io.writing import STAGING_PREFIX, plan, write_set

from .conftest import EXAMPLE_POOL, image_row, write_pool

runner = CliRunner()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def generate_cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["generate", str(EXAMPLE_POOL), *args])
    return result.exit_code, result.output


# -- all or nothing --------------------------------------------------------------------------


def test_a_failed_write_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old a")
    (out / "keep.txt").write_text("not ours")
    before = snapshot(out)
    real_replace = os.replace
    calls = []

    def failing_replace(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(writing.os, "replace", failing_replace)
    files = [("a.json", "new a"), ("b.json", "b"), ("c.json", "c"), ("d.json", "d")]
    with pytest.raises(OutputError) as caught:
        write_set(out, files, ["rule A", "rule B", "rule C", "rule D"])
    monkeypatch.setattr(writing.os, "replace", real_replace)
    message = str(caught.value)
    assert "ASN506" in message and "c.json" in message and "No space left" in message
    assert "rule C" in message
    assert snapshot(out) == before  # a.json restored, b.json taken back, no staging left


def test_a_failed_write_into_a_new_folder_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "new" / "out"

    class NoOpen:
        def __getattr__(self, name: str) -> object:
            return getattr(os, name)

        def open(self, *args: object, **kwargs: object) -> int:
            raise OSError(13, "Permission denied")

    monkeypatch.setattr(writing, "os", NoOpen())
    with pytest.raises(OutputError, match="Permission denied"):
        write_set(out, [("a.json", "a")])
    assert not (tmp_path / "new").exists()


def test_an_interrupt_while_moving_restores_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old a")
    before = snapshot(out)
    real_replace = os.replace
    calls = []

    def signalling_replace(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:
            os.kill(os.getpid(), signal.SIGINT)  # held back until every file has moved
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(writing.os, "replace", signalling_replace)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # whatever ran before
    try:
        with pytest.raises(KeyboardInterrupt):
            write_set(out, [("a.json", "new a"), ("b.json", "b"), ("c.json", "c")])
    finally:
        signal.signal(signal.SIGINT, previous)
    monkeypatch.setattr(writing.os, "replace", real_replace)
    assert len(calls) >= 3
    assert snapshot(out) == before


def test_sigterm_while_staging_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.json").write_text("old a")
    before = snapshot(out)
    real_stage = writing._stage

    def stage_then_signal(staging: Path, index: int, entry: writing.Planned) -> Path:
        if index == 1:
            os.kill(os.getpid(), signal.SIGTERM)
        return real_stage(staging, index, entry)

    monkeypatch.setattr(writing, "_stage", stage_then_signal)
    with writing.terminate_as_interrupt(), pytest.raises(KeyboardInterrupt):
        write_set(out, [("a.json", "new a"), ("b.json", "b"), ("c.json", "c")])
    assert snapshot(out) == before


def test_sigterm_part_way_through_a_real_run_leaves_all_or_nothing(tmp_path: Path) -> None:
    """SIGTERM at several moments of a real run: the folder holds the old set or the new one."""
    sig = signal.SIGTERM
    rows = [
        image_row(n, obs=1 + n % 40, filt=("F090W", "F150W", "F200W")[n % 3]) for n in range(3000)
    ]
    pool = write_pool(tmp_path / "pool.csv", rows)
    out = tmp_path / "out"
    out.mkdir()
    (out / "earlier_asn.json").write_text("{}")
    before = snapshot(out)
    command = [sys.executable, "-m", "asnrules", "generate", str(pool), "-p", str(out)]
    complete = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "wrote" in complete.stderr
    full = snapshot(out)
    for name in list(full):
        if name not in before:
            (out / name).unlink()
    assert snapshot(out) == before
    outcomes = set()
    for delay in (0.5, 1.5, 3.0):
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        time.sleep(delay)
        process.send_signal(sig)
        _, err = process.communicate(timeout=60)
        now = snapshot(out)
        assert not any(STAGING_PREFIX in name for name in now)
        if process.returncode == 0 or now == full:  # the signal may come once all is written
            assert now == full
            outcomes.add("all")
            for name in list(now):
                if name not in before:
                    (out / name).unlink()
        else:
            assert now == before, err
            assert "Traceback" not in err
            outcomes.add("none")
    assert "none" in outcomes


def test_a_stale_staging_folder_is_removed_and_reported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    stale = out / f"{STAGING_PREFIX}999999999-abcd"
    stale.mkdir(parents=True)
    (stale / "000000").write_text("half")
    code, output = generate_cli("-p", str(out))
    assert code == 0, output
    assert not stale.exists()
    assert "ASN505" in output and "interrupted run" in output


# -- no collisions, nothing overwritten that was not meant ------------------------------------


def test_orphans_file_may_not_take_an_association_name(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = generate_cli(
        "-p", str(out), "--save-orphans", "jw01234-o001_image3_00001_asn.json"
    )
    assert code == 2
    assert "ASN503" in output and "--save-orphans" in output and "Asn_Lv3Image" in output
    assert not out.exists()


def test_two_associations_named_alike_are_an_error_naming_both_rules(tmp_path: Path) -> None:
    rules = tmp_path / "clash.yaml"
    rules.write_text(
        "include: [jwst-common.yaml]\n"
        "rules:\n"
        "  Mine:\n"
        "    asn_type: image3\n"
        "    select: exp_type == 'nrc_image'\n"
        "    share: [obs_num]\n"
        "    member_fields: {expname: filename, exptype: \"'science'\"}\n"
        "    file: \"'same_name_asn'\"\n"
    )
    out = tmp_path / "out"
    code, output = generate_cli("-r", str(rules), "-p", str(out))
    assert code == 2, output
    assert "ASN503" in output and "rule Mine" in output and "clash.yaml:8:" in output
    assert not out.exists()


def test_a_ruleset_given_twice_is_loaded_once(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = generate_cli("-r", "stage3.yaml", "-r", "stage3.yaml", "-p", str(out))
    assert code == 0, output
    assert "given more than once" in output
    written = len(list(out.glob("*_asn.json")))
    assert f"{written} associations" in output and f"wrote {written} files" in output


def test_files_of_an_earlier_run_are_reported(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "jw99999-o001_image2_00001_asn.json").write_text("{}")
    code, output = generate_cli("-p", str(out))
    assert code == 0
    assert "ASN508" in output and "1 association file(s)" in output
    assert (out / "jw99999-o001_image2_00001_asn.json").read_text() == "{}"


def test_a_rerun_replaces_its_own_files_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert generate_cli("-p", str(out))[0] == 0
    code, output = generate_cli("-p", str(out))
    assert code == 0
    count = len(list(out.glob("*_asn.json")))
    assert f"{count} replaced" in output
    assert "ASN508" not in output


def test_the_pool_is_never_overwritten(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    pool.write_bytes(EXAMPLE_POOL.read_bytes())
    result = runner.invoke(
        app, ["generate", str(pool), "-p", str(tmp_path), "--save-orphans", "pool.csv"]
    )
    assert result.exit_code == 2
    assert "ASN504" in result.output and "an input of this run" in result.output
    assert pool.read_bytes() == EXAMPLE_POOL.read_bytes()


def test_a_folder_in_the_way_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "jw01234-o001_image3_00001_asn.json").mkdir(parents=True)
    before = snapshot(out)
    code, output = generate_cli("-p", str(out))
    assert code == 2
    assert "ASN504" in output and "folder is in the way" in output
    assert snapshot(out) == before and sorted(p.name for p in out.iterdir()) == [
        "jw01234-o001_image3_00001_asn.json"
    ]


# -- inside its folder -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../x.csv", "ASN501"),
        ("/tmp/x.csv", "ASN501"),
        ("a\x00b", "ASN501"),
        ("sub/../../x", "ASN501"),
    ],
)
def test_orphans_file_outside_the_folder_is_refused(tmp_path: Path, name: str, code: str) -> None:
    out = tmp_path / "out"
    status, output = generate_cli("-p", str(out), "--save-orphans", name)
    assert status == 2 and code in output
    assert not out.exists() and not (tmp_path / "x.csv").exists()


def test_orphans_file_through_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "link").symlink_to(tmp_path)
    status, output = generate_cli("-p", str(out), "--save-orphans", "link/x.csv")
    assert status == 2 and "ASN502" in output
    assert not (tmp_path / "x.csv").exists()


def test_orphans_file_in_a_sub_folder_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, output = generate_cli("-p", str(out), "--save-orphans", "sub/o.csv")
    assert status == 0, output
    assert (out / "sub" / "o.csv").read_text().lower().startswith("filename|")


def test_odd_candidate_ids_never_reach_file_names(tmp_path: Path) -> None:
    pool = write_pool(
        tmp_path / "pool.csv",
        [image_row(n, cand="[('o/../../x', 'observation')]") for n in range(1, 3)],
    )
    out = tmp_path / "deep" / "out"
    result = runner.invoke(app, ["generate", str(pool), "-p", str(out)])
    assert "ASN420" in result.output
    assert not list(tmp_path.glob("x*")) and not list(tmp_path.glob("deep/x*"))
    assert all(p.resolve().is_relative_to(out.resolve()) for p in out.rglob("*"))


def test_a_template_value_cannot_lead_out_of_the_folder(tmp_path: Path) -> None:
    rules = tmp_path / "escape.yaml"
    rules.write_text(
        "include: [jwst-common.yaml]\n"
        "rules:\n"
        "  Escape:\n"
        "    asn_type: image3\n"
        "    select: exp_type == 'nrc_image'\n"
        "    share: [obs_num]\n"
        "    member_fields: {expname: filename, exptype: \"'science'\"}\n"
        "    file: '{first_member.detector}_asn'\n"
    )
    rows = [image_row(n).replace("|NRCA1|", "|../../x|") for n in range(1, 3)]
    pool = write_pool(tmp_path / "pool.csv", rows)
    out = tmp_path / "deep" / "out"
    result = runner.invoke(
        app, ["generate", str(pool), "-r", str(rules), "--ignore-default", "-p", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "ASN501" in result.output and "escape.yaml:8:" in result.output
    assert not (tmp_path / "deep").exists() and not list(tmp_path.glob("x*"))


def test_version_id_cannot_lead_out_of_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    status, output = generate_cli("-p", str(out), "--version-id", "../../x")
    assert status == 2 and "ASN501" in output
    assert not out.exists()


def test_plan_refuses_reserved_and_overlong_names(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="reserved"):
        plan(tmp_path, [(STAGING_PREFIX + "1-x", "")])
    with pytest.raises(OutputError, match="longer than 255 bytes"):
        plan(tmp_path, [("x" * 256, "")])


# -- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize("option", ["-p", "--path", "-r", "-i", "-d", "--pool-format"])
def test_an_option_never_takes_the_next_option_as_its_value(tmp_path: Path, option: str) -> None:
    result = runner.invoke(
        app, ["generate", str(EXAMPLE_POOL), option, "--dry-run"], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert "needs a value" in result.output and "--dry-run" in result.output
    assert not Path("--dry-run").exists()


def test_version_id_alone_is_a_timestamp(tmp_path: Path) -> None:
    code, output = generate_cli("-p", str(tmp_path), "--version-id", "--dry-run")
    assert code == 0, output
    names = [line for line in output.splitlines() if line.endswith("_asn.json")]
    assert names and all("--dry-run" not in n for n in names)
    stamp = names[0].split("_")[1]
    assert len(stamp) == 15 and stamp[8] == "t" and stamp.replace("t", "").isdigit()
    assert not list(tmp_path.iterdir())


def test_save_orphans_alone_names_orphaned_csv(tmp_path: Path) -> None:
    code, output = generate_cli("-p", str(tmp_path), "--save-orphans", "-v")
    assert code == 0, output
    assert (tmp_path / "orphaned.csv").is_file()
    assert not (tmp_path / "-v").exists()


def test_a_value_may_be_a_lone_dash_or_a_negative_number(tmp_path: Path) -> None:
    code, output = generate_cli("-p", str(tmp_path), "--dry-run", "--version-id", "-1")
    assert code == 0, output
    assert "_-1_" in output


# -- files as the umask says -------------------------------------------------------------------


def test_files_are_created_with_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        code, _ = generate_cli("-p", str(tmp_path), "--save-orphans", "o.csv")
    finally:
        os.umask(old)
    assert code == 0
    modes = {p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes == {0o644}


# -- the library raises AsnRulesError, never AttributeError -------------------------------------


def test_generate_takes_a_path_and_a_ruleset_name() -> None:
    by_path = generate(str(EXAMPLE_POOL), "stage3")
    assert by_path and all(a.rule.stage == "stage3" for a in by_path)
    assert len(generate(EXAMPLE_POOL, ["stage3.yaml"])) == len(by_path)


@pytest.mark.parametrize(("pool", "rules"), [(42, None), (str(EXAMPLE_POOL), 42)])
def test_generate_refuses_arguments_of_the_wrong_kind(pool: object, rules: object) -> None:
    with pytest.raises(UsageError, match="ASN011"):
        generate(pool, rules)  # type: ignore[arg-type]


def test_generate_with_version_id_true_writes_a_timestamp() -> None:
    names = run(EXAMPLE_POOL, version_id=True).files
    assert names and all("_true_" not in name for name, _ in names)
    stamp = generate(str(EXAMPLE_POOL), version_id=True)[0].builtins["version_id"]
    assert len(stamp) == 15 and stamp[8] == "t" and stamp.replace("t", "").isdigit()


def test_a_missing_pool_is_an_asnrules_error() -> None:
    with pytest.raises(AsnRulesError, match="ASN401"):
        generate("no/such/pool.csv")


def test_main_takes_no_abbreviations() -> None:
    with pytest.raises(SystemExit) as caught:
        Main([str(EXAMPLE_POOL), "--version"])
    assert caught.value.code == 2
    with pytest.raises(SystemExit):
        Main([str(EXAMPLE_POOL), "--dry"])


# -- the environment -------------------------------------------------------------------------


@pytest.mark.parametrize("limit_mb", [80, 150])
def test_a_low_memory_limit_gives_a_message_not_a_traceback(tmp_path: Path, limit_mb: int) -> None:
    resource = pytest.importorskip("resource")

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb * 2**20, limit_mb * 2**20))

    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "asnrules", "generate", str(EXAMPLE_POOL), "-p", str(out)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        timeout=120,
    )
    assert "Traceback" not in done.stderr
    if done.returncode != 0:
        assert "memory" in done.stderr.lower() and not out.exists()


def test_a_file_in_the_way_of_the_output_folder_is_named(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("not a folder")
    code, output = generate_cli("-p", str(tmp_path / "out" / "sub"))
    assert code == 2
    assert "ASN504" in output and f"the file {tmp_path / 'out'} is in the way" in output
    assert (tmp_path / "out").read_text() == "not a folder"


def test_the_quick_look_at_plain_names_agrees_with_the_full_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    names = [
        "jw90000-o001_20261204t190000_image2_00001_asn.json",
        "a",
        "-x.json",
        "x" * 255,
        "x" * 256,
        ".",
        "..",
        ".hidden.json",
        ".asnrules-staging-1",
        "a/b.json",
        "a//b.json",
        "/abs.json",
        "a\\b.json",
        "tab\there.json",
        "del\x7f.json",
        "é.json",
        "",
        "a+b=c,d@e.json",
    ]
    quick = {(n, f): writing.name_problem(n, folders=f) for n in names for f in (True, False)}
    monkeypatch.setattr(writing, "_PLAIN", re.compile(r"(?!)"))
    full = {(n, f): writing.name_problem(n, folders=f) for n in names for f in (True, False)}
    assert quick == full
    assert quick[("x" * 256, True)] and quick[("a/b.json", False)] and not quick[("a", True)]
