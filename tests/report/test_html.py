"""`--format html`: the page is self-contained, deterministic and accessible, card text never becomes markup,
and headless Chromium shows it without an error or a request (the examples and a hostile card)."""

from __future__ import annotations

import datetime as _dt
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.report import renderer
from tests.conftest import EXAMPLES, ROOT, comply
from tests.gate.test_format_units import hostile_report
from tests.report.chromium import Browser, chromium_binary

PINNED = ("--reference-date", "2026-11-25", "--timeline", "original")
GOOD = ("examples/credit-scoring/model_card.yaml", "--config", "examples/credit-scoring/comply.yaml")
GAPS = ("examples/credit-scoring-gaps/model_card.yaml",)
HEADINGS = ["Risk tier", "Articles", "Readiness timeline", "Fairness", "Audit log", "Evidence"]

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "footer", "nav", "section", "h1", "h2",
    "h3", "h4", "p", "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "thead", "tbody", "tr", "th", "td",
    "code", "span", "strong", "br", "a", "figure", "figcaption", "svg", "desc", "defs", "pattern", "rect", "line", "text",
    "path", "circle",
}  # fmt: skip
HOSTILE_NAME = '</title><script>console.error("pwned")</script><img src="http://127.0.0.1:9/x.png" onerror="alert(1)">'
HOSTILE_TEXT = "<style>body{background:url(http://127.0.0.1:9/y)}</style><a href='javascript:alert(1)'>x</a> \" ' &amp;"


class Elements(HTMLParser):
    """Every start tag with its attributes, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(page)
    return parser.tags


def markup_errors(page: str) -> list[str]:
    """Tags outside the page's vocabulary, event handlers, links that leave the page, a second style sheet."""
    errors = []
    for tag, attrs in elements(page):
        if tag not in ALLOWED_TAGS:
            errors.append(f"tag <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                errors.append(f"<{tag} {name}>")
            if name in ("href", "src", "xlink:href") and not (value or "").startswith("#"):
                errors.append(f"<{tag} {name}={value!r}>")
    head = page.split("<body>", 1)[0]
    if page.count("<style>") != 1 or head.count("<title>") != 1 or head.count("<meta") != 4:
        errors.append("a second <style>, <title> or <meta>")
    return errors


def render_cli(*args: str, cwd: Path | None = None) -> str:
    done = comply("check", *args, *PINNED, "--format", "html", cwd=cwd)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def hostile_project(tmp_path: Path) -> Path:
    """The gaps card with markup, script and requests in its name, version, approver and a waiver."""
    text = (EXAMPLES / "credit-scoring-gaps" / "model_card.yaml").read_text(encoding="utf-8")
    text = text.replace("  name: retail-credit-scorer\n", f"  name: {json.dumps(HOSTILE_NAME)}\n", 1)
    text = text.replace("  version: 3.2.0-rc1\n", f"  version: {json.dumps(HOSTILE_TEXT)}\n", 1)
    text = text.replace("  approved_by: credit-risk-ml@example.eu\n", f"  approved_by: {json.dumps(HOSTILE_NAME)}\n")
    (tmp_path / "model_card.yaml").write_text(text, encoding="utf-8")
    waiver = {
        "rule": "art14.human_oversight",
        "card": "model_card.yaml",
        "justification": HOSTILE_TEXT,
        "approved_by": HOSTILE_NAME,
        "expires": (_dt.date.today() + _dt.timedelta(days=29)).isoformat(),  # judged against the real today
    }
    (tmp_path / "comply.yaml").write_text("waivers:\n  - " + json.dumps(waiver) + "\n", encoding="utf-8")
    return tmp_path


def test_sample_and_hostile_reports_render_only_the_pages_own_markup() -> None:
    from tests.gate.sample_report import sample_report

    for report in (sample_report(), hostile_report()):
        page = renderer("html")(report)
        assert markup_errors(page) == []
        assert "<script" not in page.lower()
        assert "Content-Security-Policy" in page and "default-src 'none'" in page
    hostile = renderer("html")(hostile_report())
    assert "::error file=README.md" in hostile  # card text is shown, as text
    assert "\u202e" not in hostile and "\x1b" not in hostile


def test_hostile_card_cannot_inject_markup(tmp_path: Path) -> None:
    project = hostile_project(tmp_path)
    page = render_cli("model_card.yaml", cwd=project)
    assert markup_errors(page) == []
    assert "<script" not in page and "<img" not in page and "<a href='javascript" not in page
    assert "&lt;/title&gt;&lt;script&gt;console.error(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert "Waived by" in page  # the hostile waiver applied and is shown escaped


def test_html_is_byte_identical_across_runs_and_dated_only_with_timestamp() -> None:
    first = render_cli(*GOOD)
    assert first == render_cli(*GOOD)
    assert "Generated at" not in first
    stamped = comply("check", *GOOD, *PINNED, "--format", "html", "--timestamp")
    assert "Generated at" in stamped.stdout


def test_every_chart_has_a_text_alternative_and_statuses_are_words() -> None:
    page = render_cli(*GOOD)
    svgs = [attrs for tag, attrs in elements(page) if tag == "svg"]
    assert svgs
    for attrs in svgs:
        assert attrs.get("role") == "img"
        title, desc = (attrs.get("aria-labelledby") or "").split()
        assert f'<title id="{title}">' in page and f'<desc id="{desc}">' in page
    assert page.count('<figure class="fairness"') == 2
    assert "\u2714 pass" in page and 'lang="en"' in page
    assert "Wilson" in page and "disparate-impact floor" in page and "allowed gap" in page


def _features(args: tuple[str, ...]) -> list[str]:
    done = comply("check", *args, *PINNED, "--format", "json")
    return list(json.loads(done.stdout)["cards"][0]["input"]["evidence"]["fairness"]["features"])


EXPRESSIONS = {
    "headings": "[...document.querySelectorAll('h1,h2,h3')].map(e => e.textContent)",
    "charts": "[...document.querySelectorAll('figure.fairness > svg')].map(e => e.parentNode.dataset.feature)",
    "scripts": "document.scripts.length",
    "height": "document.documentElement.scrollHeight",
    "drawn": "[...document.querySelectorAll('svg')].every(s => s.getBoundingClientRect().width > 300)",
}


def _browser() -> str:
    binary = chromium_binary()
    if binary is None:
        pytest.skip("chromium not installed (apt-get install -y chromium; .ci/run installs it)")
    return binary


def test_examples_and_a_hostile_card_in_headless_chromium(tmp_path: Path) -> None:
    binary = _browser()
    pages = {
        "credit-scoring": (render_cli(*GOOD), _features(GOOD), "retail-credit-scorer 3.2.0"),
        "credit-scoring-gaps": (render_cli(*GAPS), _features(GAPS), "retail-credit-scorer 3.2.0-rc1"),
        "hostile": (render_cli("model_card.yaml", cwd=hostile_project(tmp_path)), None, None),
    }
    shots = Path(os.environ.get("COMPLY_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with Browser(binary) as browser:
        for name, (page, features, model) in pages.items():
            path = tmp_path / f"{name}.html"
            path.write_text(page, encoding="utf-8")
            visit = browser.visit(path, EXPRESSIONS, shots / f"{name}.png")
            assert visit.errors() == [], (name, visit.errors())
            assert visit.requests == [path.resolve().as_uri()], (name, visit.requests)
            assert visit.values["scripts"] == 0 and visit.values["drawn"] is True
            assert (shots / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            assert (shots / f"{name}.png").stat().st_size > 20_000
            if features is None:
                continue
            headings = visit.values["headings"]
            assert headings[:2] == ["comply compliance report", model], headings
            attention = ["Needs attention"] if name == "credit-scoring-gaps" else []  # failures first
            assert headings[2:] == attention + HEADINGS, headings
            assert sorted(visit.values["charts"]) == sorted(features), (name, visit.values["charts"])


def test_ci_installs_chromium_before_the_tests() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install" in ci and "chromium" in ci
    assert ci.index("chromium") < ci.index("python -m pytest")


def test_legal_basis_codes_read_as_the_act_cites_them() -> None:
    from checker.report.html import legal_basis

    assert legal_basis("annex3.5.b") == "Annex III 5(b)"
    assert legal_basis("annex3.2") == "Annex III 2"
    assert legal_basis("annex1.a.5") == "Annex I Section A point 5"
    assert legal_basis("art5.1.f") == "Art. 5(1)(f)"
    assert legal_basis("art50.3") == "Art. 50(3)"
    assert legal_basis("something-else") == "something-else"
    page = render_cli(*GAPS)
    assert "legal basis: Annex III 5(b), <code>annex3.5.b</code>" in page
