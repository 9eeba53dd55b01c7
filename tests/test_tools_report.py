"""``asnrules report``: a self-contained page, escaped, checked in headless Chromium."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from asnrules.api import run
from asnrules.cli.main import app
from asnrules.tools.report import DEFAULT_REASON, render_report

POOL = Path(__file__).parent / "data" / "report_pool.csv"
runner = CliRunner()


class Page(HTMLParser):
    """Collects the rows and associations of a report page, and which are hidden."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.rows: dict[str, bool] = {}  # row id -> hidden
        self.asns: dict[str, bool] = {}  # association id -> hidden
        self.scripts = 0
        self.links: list[str] = []
        self.counts = ""
        self._in_counts = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "script":
            self.scripts += 1
        if tag == "tr" and "pool-row" in classes:
            self.rows[a["id"] or ""] = "hidden" in classes
        if tag == "details" and "asn" in classes:
            self.asns[a["id"] or ""] = "hidden" in classes
        for key in ("src", "href"):
            if a.get(key):
                self.links.append(a[key] or "")
        self._in_counts = a.get("id") == "counts"

    def handle_data(self, data: str) -> None:
        if self._in_counts:
            self.counts += data

    def handle_endtag(self, tag: str) -> None:
        self._in_counts = False


@pytest.fixture(scope="module")
def result():
    return run(POOL)


def test_every_association_is_named_and_values_escaped(result) -> None:
    page = render_report(result, pool_name="report_pool.csv")
    parsed = Page(page)
    for name, _ in result.files:
        assert name in page
    assert len(parsed.asns) == len(result.files) == 7
    assert len(parsed.rows) == 5
    assert parsed.scripts == 1  # ours; the pool's <script> value is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{orphans}}" in page  # a marker-like pool value is not expanded
    assert page.count('<section id="orphans">') == 1
    assert all(link.startswith("#") for link in parsed.links), parsed.links  # nothing loaded


def test_orphans_with_default_and_given_reasons(result) -> None:
    (orphan,) = result.orphans
    page = render_report(result, pool_name="p")
    assert DEFAULT_REASON in page
    page = render_report(
        result, pool_name="p", reasons={orphan: "exp_type <nrc_dark> matches no rule"}
    )
    assert "exp_type &lt;nrc_dark&gt; matches no rule" in page
    assert DEFAULT_REASON not in page


def test_cli_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", str(POOL), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "7 associations, 1 orphans" in result.output
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>")
    # the orphan's reason comes from explain: no rule takes an nrc_dark exposure
    assert "no rule selects it or has a role for it" in page
    assert "exp_type = &#x27;nrc_dark&#x27;" in page


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("headless Chromium not installed (Debian: apt-get install chromium)")


def _dump_dom(browser: str, url: str, profile: Path) -> str:
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", f"--user-data-dir={profile}", "--dump-dom", url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_page_in_headless_chromium(tmp_path: Path, result) -> None:
    browser = _chromium()
    out = tmp_path / "report.html"
    assert runner.invoke(app, ["report", str(POOL), "-o", str(out)]).exit_code == 0
    url = out.resolve().as_uri()

    dom = _dump_dom(browser, url, tmp_path / "profile1")
    assert Page(dom).counts == "5 of 5 rows, 7 of 7 associations, 1 of 1 orphans shown"
    for name, _ in result.files:
        assert name in dom

    searched = Page(_dump_dom(browser, url + "?q=o003", tmp_path / "profile3"))
    shown_rows = sorted(r for r, hidden in searched.rows.items() if not hidden)
    assert shown_rows == ["row-3", "row-4"]  # the two o003 exposures
    assert searched.counts.startswith("2 of 5 rows, 2 of 7 associations")

    by_rule = Page(_dump_dom(browser, url + "?rule=Asn_Lv3Image", tmp_path / "profile4"))
    shown = [k for k, hidden in by_rule.asns.items() if not hidden]
    assert len(shown) == 3
    assert re.match(r"4 of 5 rows, 3 of 7 associations", by_rule.counts)


def test_a_report_of_nothing_says_so(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", str(POOL), "-o", str(out), "-i", "o999"])
    assert result.exit_code == 0, result.output
    assert f"{POOL}:0:0: ASN940 warning no association was made" in result.stderr
    assert out.is_file()
    made = runner.invoke(app, ["report", str(POOL), "-o", str(out)])
    assert "ASN940" not in made.stderr


def test_a_report_of_ones_own_rules_alone(tmp_path: Path) -> None:
    """``--ignore-default`` runs only the given rules (the survey example, no JWST rules)."""
    survey = Path(__file__).parents[1] / "examples" / "survey"
    out = tmp_path / "survey.html"
    args = ["report", str(survey / "survey_pool.csv"), "-o", str(out)]
    result = runner.invoke(app, [*args, "-r", str(survey / "survey.yaml"), "--ignore-default"])
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "Asn_Lv3Image" not in page
    assert "stack_001" in page
