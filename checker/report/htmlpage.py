"""The page every HTML output of comply is written in: one self-contained file, safe to open anywhere.

Self-contained: the style sheet is inline and every chart is inline SVG, so the page makes no request at
all (no CDN, no font, no image). Its Content-Security-Policy says so too: `default-src 'none'` with the
one style sheet allowed by its hash, so even if card text ever slipped past escaping it could neither run
a script nor load anything. Readable on screen and printed to PDF (`@media print`: cards start on a new
page, charts keep their colours and are not split). Statuses are always a word and a symbol, never only a
colour. Shared by the report (`--format html`), `comply fairness --format html` and the Annex IV document.
"""

from __future__ import annotations

import base64
import hashlib

from checker.report.sanitize import html_text

CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa;
  --fail: #cf222e; --warn: #9a6700; --waived: #6639ba; --pass: #1a7f37; --info: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main, header.page, footer.page { max-width: 1000px; margin: 0 auto; padding: 0 24px; }
header.page { padding-top: 24px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 0 0 8px; padding-top: 8px; }
h3 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h4 { font-size: 15px; margin: 16px 0 6px; }
p, ul, ol, dl { margin: 6px 0 10px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px;
  overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.lead { font-size: 16px; }
.notes { border-left: 4px solid var(--warn); background: #fff8c5; padding: 6px 12px; list-style: none; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
section.card { border-top: 3px solid var(--ink); margin-top: 32px; padding-top: 8px; }
nav.contents ol { padding-left: 20px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13.5px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
thead th { background: var(--soft); }
table.data { font-size: 12.5px; }
table.articles > thead > tr > th:first-child { width: 25%; }
table.articles > tbody > tr > td:nth-child(2), table.articles > thead > tr > th:nth-child(2) { white-space: nowrap; width: 1%; }
.status { font-weight: 600; white-space: nowrap; }
.status.fail { color: var(--fail); } .status.warn { color: var(--warn); }
.status.waived { color: var(--waived); } .status.pass { color: var(--pass); }
.status.unchecked { color: var(--muted); }
td.kind { white-space: nowrap; }
.status.missing { color: var(--fail); } .status.partial { color: var(--warn); } .status.present { color: var(--pass); }
.badge { display: inline-block; border: 2px solid currentColor; border-radius: 4px; padding: 1px 8px;
  font-weight: 700; letter-spacing: .02em; }
.tier-prohibited { color: var(--fail); } .tier-high { color: var(--warn); }
.tier-limited { color: var(--info); } .tier-minimal { color: var(--pass); } .tier-undetermined { color: var(--muted); }
ul.rules { list-style: none; padding: 0; margin: 0; }
ul.rules > li { margin: 0 0 6px; }
.fix { color: var(--muted); }
figure { margin: 8px 0 16px; page-break-inside: avoid; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 13px; color: var(--muted); }
footer.page { margin: 40px auto 24px; border-top: 1px solid var(--line); padding-top: 8px; font-size: 13px;
  color: var(--muted); }
@media print {
  body { font-size: 11pt; }
  nav.contents { display: none; }
  section.card { page-break-before: always; break-before: page; border-top: none; }
  section.card:first-of-type { page-break-before: auto; break-before: auto; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  table, tr, figure { page-break-inside: avoid; break-inside: avoid; }
  main, header.page, footer.page { max-width: none; padding: 0; }
}
"""

STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()
POLICY = f"default-src 'none'; style-src '{STYLE_HASH}'; img-src data:; base-uri 'none'; form-action 'none'"

STATUS_LABELS = {
    "fail": "\u2716 fail",
    "warn": "\u25b2 warning",
    "waived": "\u25c6 waived",
    "pass": "\u2714 pass",
    "missing": "\u2716 missing",
    "partial": "\u25b2 partial",
    "present": "\u2714 present",
    "unchecked": "\u2013 not checked",
}
"""Every status as a symbol and a word: the colour is a third signal, never the only one."""


def status(value: str, words: str | None = None) -> str:
    """A status as a coloured word with its symbol (`words` replaces the word, the symbol stays)."""
    key = value if value in STATUS_LABELS else "warn"
    label = STATUS_LABELS.get(value, value)
    if words is not None:
        label = f"{label.split(' ', 1)[0]} {words}"
    return f'<span class="status {key}">{html_text(label)}</span>'


def page(title: str, header: str, body: str, footer: str) -> str:
    """The whole document; `header`, `body` and `footer` are HTML already escaped by the caller."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="comply">\n'
        f"<title>{html_text(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="page">\n{header}\n</header>\n<main>\n{body}\n</main>\n'
        f'<footer class="page">\n{footer}\n</footer>\n</body>\n</html>\n'
    )
