"""Finalize hooks: the association API, declared needs checked at load, plugins.

A plugin here is a real distribution: a module and a ``dist-info`` folder with an
``entry_points.txt`` in ``tmp_path``, put on ``sys.path``, found through the entry-point
group ``asnrules.hooks`` as an installed package would be.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from asnrules.checks.lint import lint_paths
from asnrules.diagnostics import AsnRulesError
from asnrules.engine import hooks
from asnrules.engine.generator import Options, generate
from asnrules.engine.hookapi import HookAssociation, Needs, UndeclaredNeedError
from asnrules.engine.ruleset import Ruleset
from asnrules.language.loader import load_rulesets

CAND = "[('o1','observation')]"

SURVEY = """\
asnrules: 1.0
name: survey
candidates: {column: cand}
attributes:
  band: band
templates:
  flat_name: "flat_{band}.fits"
rules:
  Stack:
    asn_type: stack
    share: [band]
    member_fields: {expname: name, exptype: "'science'"}
    finalize: [HOOK]
"""

PLUGIN = '''\
from asnrules.engine.hookapi import HookAssociation, Needs
from asnrules.engine.hooks import hook


@hook(
    "acme.flats",
    example="finalize: [acme.flats]",
    needs=Needs(attributes=("band",), fields=("expname", "exptype"), templates=("flat_name",)),
)
def flats(asn: HookAssociation) -> list[HookAssociation]:
    """Add the flat of the association's band (named by the template flat_name)."""
    first = asn.members[0]
    asn.add("flat", {"expname": asn.template("flat_name"), "exptype": "flat"}, like=first)
    return [asn]
'''


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Leave the hook registry, the plugins' failures and ``sys.modules`` as they were."""
    hooks.load_plugins()
    saved = dict(hooks.HOOKS)
    modules = set(sys.modules)
    yield
    monkeypatch.undo()
    for name in set(sys.modules) - modules:
        del sys.modules[name]
    hooks.HOOKS.clear()
    hooks.HOOKS.update(saved)
    hooks.reload_plugins()


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, registry: None) -> Callable[..., None]:
    """Install a one-module distribution declaring ``module`` in the group asnrules.hooks."""

    def make(name: str, module: str, source: str) -> None:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / f"{module}.py").write_text(source, encoding="utf-8")
        info = site / f"{name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8"
        )
        (info / "entry_points.txt").write_text(
            f"[asnrules.hooks]\n{name} = {module}\n", encoding="utf-8"
        )
        monkeypatch.syspath_prepend(str(site))
        hooks.reload_plugins()

    return make


def _load(tmp_path: Path, text: str) -> Ruleset:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rulesets([path])[0]


def _errors(tmp_path: Path, text: str) -> list[tuple[str, int, int, str]]:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    found = lint_paths([path])
    return [(d.code, d.line, d.col, d.message) for d in found if d.severity.value == "error"]


def _members(ruleset: Ruleset, pool: list[dict[str, str]]) -> list[list[tuple[str, str]]]:
    asns = generate(pool, ruleset, Options(discover=False))
    return [[(m.fields["expname"], m.fields["exptype"]) for m in a.members] for a in asns]


def _survey_pool() -> list[dict[str, str]]:
    return [{"name": n, "band": "r", "cand": CAND} for n in ("a.fits", "b.fits")]


def test_a_hook_of_an_installed_plugin_is_used_by_a_rule_file(
    tmp_path: Path, install: Callable[..., None]
) -> None:
    install("acme", "acme_hooks", PLUGIN)
    ruleset = _load(tmp_path, SURVEY.replace("HOOK", "acme.flats"))
    assert hooks.HOOKS["acme.flats"].plugin == "acme"
    assert _members(ruleset, _survey_pool()) == [
        [("a.fits", "science"), ("b.fits", "science"), ("flat_r.fits", "flat")]
    ]


def test_the_example_plugin_of_the_docs_works(tmp_path: Path, install: Callable[..., None]) -> None:
    text = (Path(__file__).parents[1] / "docs" / "hooks.md").read_text(encoding="utf-8")
    source = re.search(r"`acme_asn/hooks.py`:\n\n```python\n(.*?)```", text, re.S)
    rules = re.search(r"The rule file:\n\n```yaml\n(.*?)```", text, re.S)
    assert source and rules
    install("acme", "acme_hooks", source.group(1))
    ruleset = _load(tmp_path, rules.group(1))
    pool = [{"filename": n, "band": "r", "asn_candidate": CAND} for n in ("a.fits", "b.fits")]
    assert _members(ruleset, pool) == [
        [("a.fits", "science"), ("b.fits", "science"), ("flat_r.fits", "flat")]
    ]


def test_a_plugin_that_fails_to_import_is_named_where_a_rule_asks_for_its_hook(
    tmp_path: Path, install: Callable[..., None]
) -> None:
    install("acme", "acme_hooks", "raise ImportError('acme needs the calibration database')\n")
    found = _errors(tmp_path, SURVEY.replace("HOOK", "acme.flats"))
    assert [f[:3] for f in found] == [("ASN321", 13, 16)]
    message = found[0][3]
    assert "unknown hook 'acme.flats'" in message
    assert "hook plugin 'acme' (acme_hooks) failed to import" in message
    assert "ImportError: acme needs the calibration database" in message
    with pytest.raises(AsnRulesError) as info:
        _load(tmp_path, SURVEY.replace("HOOK", "acme.flats"))
    assert [d.code for d in info.value.diagnostics] == ["ASN321"]


def test_a_broken_plugin_does_not_hide_the_hooks_of_the_others(
    tmp_path: Path, install: Callable[..., None]
) -> None:
    install("broken", "broken_hooks", "import no_such_module_anywhere\n")
    install("acme", "acme_hooks", PLUGIN)
    assert [f.name for f in hooks.plugin_failures()] == ["broken"]
    ruleset = _load(tmp_path, SURVEY.replace("HOOK", "acme.flats"))
    assert len(_members(ruleset, _survey_pool())[0]) == 3


def test_a_plugin_registering_a_taken_name_fails_clearly(install: Callable[..., None]) -> None:
    install("copycat", "copycat_hooks", PLUGIN.replace("acme.flats", "jwst.nod_split"))
    (failure,) = hooks.plugin_failures()
    assert failure.name == "copycat"
    assert "hook 'jwst.nod_split' registered twice" in failure.error


NEEDS = """\
asnrules: 1.0
name: needs
attributes:
  band: band
rules:
  R:
    asn_type: stack
    share: [band]
    member_fields: {MEMBER}
    finalize: [HOOK]
"""

NEEDS_CASES = [
    pytest.param(
        "jwst.nod_backgrounds_level3",
        "{expname: name, exptype: kind}",
        "needs the rule to share or record 'patttype'",
        id="attribute",
    ),
    pytest.param(
        "jwst.prune_imprints",
        "{expname: name}",
        "needs the member fields 'exptype' in the rule's 'member_fields'",
        id="field",
    ),
    pytest.param(
        "jwst.wfss_catalog",
        "{expname: name, exptype: kind}",
        "needs the templates 'wfss_direct_product' in the ruleset's 'templates'",
        id="template",
    ),
]


@pytest.mark.parametrize(("name", "member", "expected"), NEEDS_CASES)
def test_a_rule_lacking_what_its_hook_needs_is_an_error_at_the_hook(
    tmp_path: Path, name: str, member: str, expected: str
) -> None:
    text = NEEDS.replace("HOOK", name).replace("{MEMBER}", member)
    found = _errors(tmp_path, text)
    assert [f[:3] for f in found] == [("ASN320", 10, 16)]
    assert found[0][3] == f"hook {name!r} {expected}"


def test_a_member_field_given_by_a_role_meets_a_hooks_need(tmp_path: Path) -> None:
    text = NEEDS.replace("HOOK", "jwst.prune_imprints").replace(
        "{MEMBER}", "{expname: name}\n    members: {main: {member_fields: {exptype: kind}}}"
    )
    assert _errors(tmp_path, text) == []


GRISM = """\
asnrules: 1.0
name: grism
candidates: {column: cand}
attributes:
  target: targetid
templates:
  wfss_direct_product: "cat_t{target}_{direct_image.filter}"
rules:
  Grism:
    asn_type: spec2
    share: [target]
    member_fields: {expname: name, exptype: kind}
    members:
      science:
        when: kind == 'science'
      direct_image:
        when: kind == 'direct_image'
    finalize: [jwst.wfss_catalog]
"""


def _grism_pool() -> list[dict[str, str]]:
    rows = [("g.fits", "science", "", "2"), ("d1.fits", "direct_image", "f150w", "1")]
    rows += [("d3.fits", "direct_image", "f200w", "3"), ("d5.fits", "direct_image", "f090w", "5")]
    keys = ("name", "kind", "filter", "expspcin")
    return [{**dict(zip(keys, r, strict=True)), "targetid": "7", "cand": CAND} for r in rows]


def test_the_wfss_hook_names_the_catalog_with_the_rulesets_template(tmp_path: Path) -> None:
    ruleset = _load(tmp_path, GRISM)
    assert _members(ruleset, _grism_pool()) == [
        [
            ("g.fits", "science"),
            ("cat_t7_f200w_i2d.fits", "direct_image"),  # the closest after: expspcin 3
            ("cat_t7_f200w_cat.ecsv", "sourcecat"),
            ("cat_t7_f200w_segm.fits", "segmap"),
        ]
    ]


def test_a_hooks_template_is_compiled_in_the_rule_that_names_it(tmp_path: Path) -> None:
    text = GRISM.replace("direct_image.filter", "direct_imgae.filter")
    # the template's own error, at the template, for the rule naming the hook
    assert [f[:3] for f in _errors(tmp_path, text)] == [("ASN202", 7, 40)]


def _register(name: str, needs: Needs) -> Callable[..., object]:
    return hooks.hook(name, example=f"finalize: [{name}]", needs=needs)


def test_a_hook_may_not_read_what_it_did_not_declare(tmp_path: Path, registry: None) -> None:
    @_register("test.sneaky", Needs(fields=("exptype",)))
    def sneaky(asn: HookAssociation) -> list[HookAssociation]:
        """Reads a column it did not declare."""
        asn.members[0].column("band")
        return [asn]

    ruleset = _load(tmp_path, SURVEY.replace("HOOK", "test.sneaky"))
    with pytest.raises(
        UndeclaredNeedError, match=re.escape("'test.sneaky' reads the column 'band'")
    ):
        _members(ruleset, _survey_pool())


def test_split_copy_and_drop_through_the_api(tmp_path: Path, registry: None) -> None:
    @_register("test.split", Needs(attributes=("band",), fields=("expname", "exptype")))
    def split(asn: HookAssociation) -> list[HookAssociation]:
        """One association per member, each told its band; the original dropped."""
        made = []
        for member in asn.members:
            one = asn.copy([member])
            one.add("note", {"expname": f"{asn.pinned('band')}.txt", "exptype": "note"}, member)
            made.append(one)
        asn.drop(asn.members)
        assert asn.members == ()
        assert made[0].recorded("band") == ()
        return made

    ruleset = _load(tmp_path, SURVEY.replace("HOOK", "test.split"))
    assert sorted(_members(ruleset, _survey_pool())) == [
        [("a.fits", "science"), ("r.txt", "note")],
        [("b.fits", "science"), ("r.txt", "note")],
    ]
