"""``asnrules upgrade``: each 0.x construct rewritten in 1.0, comments and layout kept."""

from __future__ import annotations

import errno
import os
import stat
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from asnrules.cli.main import app
from asnrules.diagnostics import AsnRulesError
from asnrules.language.upgrade import upgrade_file
from asnrules.language.upgrade.edits import ASSOCIATION, ROW, TEMPLATE, renamed_value


def _upgrade(tmp_path: Path, text: str, name: str = "rules.yaml") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return upgrade_file(path).after


def _same(after: str, expected: str) -> None:
    assert after == textwrap.dedent(expected)


def test_version_member_fields_and_comments(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        # my rules
        asnrules: 1   # version
        rules:
          R:
            asn_type: image3
            member:   # fields
              expname: filename
        """,
    )
    _same(
        after,
        """\
        # my rules
        asnrules: 1.0   # version
        rules:
          R:
            asn_type: image3
            member_fields:   # fields
              expname: filename
        """,
    )


def test_members_list_becomes_a_map(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        roles:
          bkg:
            role: background   # the name
            when: bkgdtarg
            reoffer: existing
        rules:
          R:
            asn_type: spec2
            members:
              - role: science
                when: not bkgdtarg   # science
                exptype: "'science'"
                reoffer: existing
              - when: is_imprt
                role: imprint
              - {role: other, limit: 1}
              - role: alone
              - bkg
          S:
            asn_type: spec2
            members: [bkg, {role: science, reoffer: existing}]
        """,
    )
    _same(
        after,
        """\
        roles:
          bkg:
            when: bkgdtarg
            rejoin: true
        rules:
          R:
            asn_type: spec2
            members:
              science:
                when: not bkgdtarg   # science
                member_fields: {exptype: "'science'"}
                rejoin: true
              imprint:
                when: is_imprt
              other: {limit: 1}
              alone: {}
              background: {extends: bkg}
          S:
            asn_type: spec2
            members: {background: {extends: bkg}, science: {rejoin: true}}
        """,
    )
    loaded = yaml.safe_load(after)
    assert list(loaded["rules"]["R"]["members"]) == [
        "science",
        "imprint",
        "other",
        "alone",
        "background",
    ]


def test_shared_roles_of_included_files(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(
        "asnrules: 1\nroles:\n  ta:\n    role: target_acquisition\n    link: [obs_num]\n"
    )
    after = _upgrade(
        tmp_path,
        """\
        include: [common.yaml]
        rules:
          R:
            asn_type: image3
            members:
              - ta
        """,
    )
    assert "      target_acquisition: {extends: ta}\n" in after


def test_bundled_include_resolves(tmp_path: Path) -> None:
    """A bundled include resolves as the loader resolves it (1.0 roles: the key is the name)."""
    after = _upgrade(
        tmp_path,
        """\
        include: [jwst-common.yaml]
        rules:
          R:
            asn_type: image3
            members: [target_acquisition]
        """,
    )
    assert "members: {target_acquisition: {extends: target_acquisition}}" in after


def test_unknown_shared_role_and_duplicate_roles_are_located(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "rules:\n  R:\n    asn_type: x\n    members:\n      - nosuch\n"
        "      - role: a\n      - role: a\n"
    )
    with pytest.raises(AsnRulesError) as info:
        upgrade_file(path)
    found = {(d.line, d.col, d.code) for d in info.value.diagnostics}
    assert found == {(5, 9, "ASN305"), (7, 9, "ASN112")}
    assert "two roles named 'a'" in str(info.value.diagnostics[-1].message)


def test_final_pass(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        reoffer:
          # target acquisitions
          - when: exptype == 'target_acquisition'
          - {when: "first(a, b) == 'x'"}
        """,
    )
    _same(
        after,
        """\
        final_pass:
          # target acquisitions
          - exptype == 'target_acquisition'
          - "first_set(a, b) == 'x'"
        """,
    )
    _same(_upgrade(tmp_path, "reoffer: [{when: is_ta}]\n"), "final_pass: [is_ta]\n")
    described = "reoffer:\n  - description: TAs\n    when: is_ta   # last\n  - when: x\n"
    _same(_upgrade(tmp_path, described), "final_pass:\n  # TAs\n  - is_ta   # last\n  - x\n")


def test_abstract_rules_become_bases(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        # the rules
        rules:
          # a base
          Base:
            abstract: true
            select: [x]

          R:
            extends: [Base]
            asn_type: image3
          Plain:
            abstract: false
            asn_type: image2
        """,
    )
    _same(
        after,
        """\
        bases:
          # a base
          Base:
            select: [x]

        # the rules
        rules:
          R:
            extends: [Base]
            asn_type: image3
          Plain:
            asn_type: image2
        """,
    )
    only = _upgrade(tmp_path, "rules:\n  B:\n    abstract: true\n    select: [x]\n")
    _same(only, "bases:\n  B:\n    select: [x]\n")


def test_attributes(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        attributes:
          opt: [pupil, grating]   # fallback
          one: [pupil]
          slit:
            from: fxd_slit
            when: fxd_slit != 'x'
          sub: {from: [a, b], aliases: [s]}
          maybe: {from: tsovisit, optional: true}
          band:
            from: band
            optional: true
        groups:
          g: [maybe, opt]
          h:
            - band
        rules:
          R:
            asn_type: x
            share: [maybe, band?]
        """,
    )
    _same(
        after,
        """\
        attributes:
          opt: first_set(pupil, grating)   # fallback
          one: pupil
          slit:
            value: fxd_slit
            when: fxd_slit != 'x'
          sub: {value: 'first_set(a, b)', aliases: [s]}
          maybe: {value: tsovisit}
          band:
            value: band
        groups:
          g: ['maybe?', opt]
          h:
            - band?
        rules:
          R:
            asn_type: x
            share: ['maybe?', band?]
        """,
    )


@pytest.mark.parametrize(
    ("context", "before", "after"),
    [
        (ROW, "first(a, b)", "first_set(a, b)"),
        (ROW, "first == 'x'", "first == 'x'"),
        (ASSOCIATION, "first.targetid", "first_member.targetid"),
        (
            ASSOCIATION,
            "x.first + 'first(' + first(a, first)",
            "x.first + 'first(' + first_set(a, first_member)",
        ),
        (ASSOCIATION, "FIRST.expname", "first_member.expname"),
        (TEMPLATE, "first_{first.x}-{first(a, b)}", "first_{first_member.x}-{first_set(a, b)}"),
        (TEMPLATE, "{{first}}{first}", "{{first}}{first_member}"),
        (ROW, "firsts(x) + first_x", "firsts(x) + first_x"),
    ],
)
def test_first_renames(context: str, before: str, after: str) -> None:
    assert renamed_value(before, context) == after


def test_expressions_in_every_place(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        conditions:
          c: first(a, b) == 'first'
        templates:
          t: "x{first.y}"
        rules:
          R:
            asn_type: x
            select: ["first(a, b)"]
            valid:
              - first.x == 'first'
            document:
              target: >-
                first.targetid
            product: "{first(a, b)}"
            members:
              - role: science
                when: first(a) == 'y'
                requires: first.x
                exptype: first(a, b)
        """,
    )
    _same(
        after,
        """\
        conditions:
          c: first_set(a, b) == 'first'
        templates:
          t: "x{first_member.y}"
        rules:
          R:
            asn_type: x
            select: ["first_set(a, b)"]
            valid:
              - first_member.x == 'first'
            document:
              target: >-
                first_member.targetid
            product: "{first_set(a, b)}"
            members:
              science:
                when: first_set(a) == 'y'
                requires: first_member.x
                member_fields: {exptype: "first_set(a, b)"}
        """,
    )


def test_bare_name_conditions_become_boolean(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        conditions:
          is_tso: tsovisit     # a column
          both: is_tso
          quoted: 'bkgdtarg'
          expr: not bkgdtarg
          yes: true
        values:
          v: tsovisit
        """,
    )
    _same(
        after,
        """\
        conditions:
          is_tso: is_set(tsovisit)     # a column
          both: is_tso
          quoted: is_set(bkgdtarg)
          expr: not bkgdtarg
          yes: true
        values:
          v: tsovisit
        """,
    )


def test_aliases_and_flow_shared_roles(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        roles:
          special: {role: science, limit: 1, exptype: "'science'"}
        rules:
          A:
            asn_type: x
            valid: &checks [first.x == 'y']
          B:
            asn_type: x
            valid: *checks
        """,
    )
    _same(
        after,
        """\
        roles:
          special: {limit: 1, member_fields: {exptype: "'science'"}}
        rules:
          A:
            asn_type: x
            valid: &checks [first_member.x == 'y']
          B:
            asn_type: x
            valid: *checks
        """,
    )


def test_a_1_0_file_is_left_as_it_is(tmp_path: Path) -> None:
    text = "asnrules: '1.0'\nvalues:\n  first: x\n"
    assert _upgrade(tmp_path, text) == text


def test_cli_print_check_write(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text("asnrules: 1\n", encoding="utf-8")
    path.chmod(0o640)
    runner = CliRunner()
    shown = runner.invoke(app, ["upgrade", str(path)])
    assert (shown.exit_code, shown.stdout) == (0, "asnrules: 1.0\n")
    assert path.read_text() == "asnrules: 1\n"
    checked = runner.invoke(app, ["upgrade", "--check", str(path)])
    assert checked.exit_code == 1 and "would upgrade" in checked.stderr
    written = runner.invoke(app, ["upgrade", "--write", str(path)])
    assert written.exit_code == 0
    assert path.read_text() == "asnrules: 1.0\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.yaml"]
    before = path.stat().st_mtime_ns
    again = runner.invoke(app, ["upgrade", "--write", "--check", str(path)])
    assert again.exit_code == 2
    unchanged = runner.invoke(app, ["upgrade", "--check", str(path)])
    assert unchanged.exit_code == 0 and path.stat().st_mtime_ns == before


def test_cli_located_errors_no_traceback(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("rules: [\n", encoding="utf-8")
    good = tmp_path / "good.yaml"
    good.write_text("asnrules: 1\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["upgrade", "--write", str(good), str(broken), "nope.yaml"])
    assert result.exit_code == 2
    assert f"{broken}:1:9: ASN101" in result.stderr
    assert "nope.yaml:0:0: ASN001" in result.stderr
    assert "Traceback" not in result.stderr
    assert good.read_text() == "asnrules: 1\n"  # nothing is written when a file fails


def test_crlf_kept(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(
        b"asnrules: 1\r\nrules:\r\n  R:\r\n    asn_type: x\r\n    members:\r\n"
        b"      - when: a\r\n        role: s\r\n"
    )
    after = upgrade_file(path).after
    expected = (
        "asnrules: 1.0\nrules:\n  R:\n    asn_type: x\n    members:\n      s:\n        when: a\n"
    )
    assert after == expected.replace("\n", "\r\n")


def test_inherited_members_are_flagged(tmp_path: Path) -> None:
    """0.x members replaced inherited ones; 1.0 merges them: the upgrade says where."""
    path = tmp_path / "r.yaml"
    path.write_text(
        "defaults:\n  members: [{role: a}]\nrules:\n  B:\n    abstract: true\n"
        "    members: [{role: b}]\n  C:\n    extends: [B]\n    asn_type: x\n"
        "  D:\n    asn_type: x\n    members:\n      - role: d\n"
        "  E:\n    abstract: true\n    extends: [F]\n    members: [{role: e}]\n"
        "  F:\n    abstract: true\n    asn_type: x\n",
        encoding="utf-8",
    )
    notes = upgrade_file(path).notes
    assert [(n.line, n.code, n.severity.value) for n in notes] == [
        (7, "ASN945", "warning"),
        (13, "ASN945", "warning"),
    ]
    assert "'defaults', 'B'" in notes[0].message
    assert "'defaults', 'D'" in notes[1].message


def test_cli_write_failure_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    for path in (first, second):
        path.write_text("asnrules: 1\n", encoding="utf-8")
    real = os.fsync
    calls = []

    def failing(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", failing)
    result = CliRunner().invoke(app, ["upgrade", "--write", str(first), str(second)])
    assert result.exit_code == 2
    assert f"{second}:0:0: ASN506 error cannot write: No space left on device" in result.stderr
    assert first.read_text() == second.read_text() == "asnrules: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]


def test_the_loader_names_the_upgrade(tmp_path: Path) -> None:
    """A 0.x file met by the loader or lint is sent to ``asnrules upgrade``."""
    from asnrules.language.loader import load_rulesets

    for text in ("asnrules: 1\n", "rules:\n  R:\n    asn_type: x\n    member: {a: b}\n"):
        path = tmp_path / "old.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(AsnRulesError) as info:
            load_rulesets([path])
        (problem,) = info.value.diagnostics
        assert "`asnrules upgrade" in problem.message, problem.message
        assert "0.x" in problem.message
        fixed = upgrade_file(path).after
        path.write_text(fixed, encoding="utf-8")
        load_rulesets([path])  # the upgraded file loads


def test_the_0x_engine_behaviour_is_written_where_candidates_are(tmp_path: Path) -> None:
    after = _upgrade(
        tmp_path,
        """\
        asnrules: 1
        identity: name
        deduplicate: true
        candidates: {column: cand, discovered_id: a0001}
        """,
    )
    _same(
        after,
        """\
        asnrules: 1.0
        identity: name
        deduplicate: [same_members, same_product, newest_first]
        # The 0.x engine's behaviour, written out by asnrules upgrade:
        case: fold
        member_identity: [expname, exptype]
        orphans: {column: name, member_field: expname, separator: _}
        candidates: {run_prefix: true, column: cand, discovered_id: a0001}
        """,
    )
    plain = "asnrules: 1\nname: mine\n"
    assert _upgrade(tmp_path, plain, "plain.yaml") == "asnrules: 1.0\nname: mine\n"


def test_cli_print_names_each_of_several_files(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("asnrules: 1\n")
    second.write_text("asnrules: 1\nname: b\n")
    shown = CliRunner().invoke(app, ["upgrade", str(first), str(second)])
    assert shown.stdout == (
        f"# asnrules upgrade: {first}\nasnrules: 1.0\n"
        f"\n# asnrules upgrade: {second}\nasnrules: 1.0\nname: b\n"
    )


def test_an_interrupted_write_replaces_nothing_and_leaves_no_staged_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from asnrules.cli import upgrade as command

    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text("a: 1\n")
    second.write_text("b: 1\n")
    real = command._staged

    def staged(path: Path, text: str) -> str:
        if path == second:
            raise KeyboardInterrupt
        return real(path, text)

    monkeypatch.setattr(command, "_staged", staged)
    with pytest.raises(KeyboardInterrupt):
        command.replace_texts([(first, "a: 2\n"), (second, "b: 2\n")])
    assert (first.read_text(), second.read_text()) == ("a: 1\n", "b: 1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]
