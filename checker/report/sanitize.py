"""Text from a card or evidence file made safe to print, for every human-readable format.

A model name, a path, a finding that quotes a field, a waiver's justification: all of it comes from the
repository being judged, and none of it may change what the report *says*. So every format passes such
text through this one module:

- `one_line`: control characters, line breaks (CR, LF, NEL, U+2028/9) and bidirectional overrides are
  shown as escapes (`\\n`, `\\x1b`, `\\u202e`), and ANSI escape sequences are removed, so a value can
  neither start a new line of its own, colour the terminal, reorder what is shown, nor hide text;
- `neutral_line`: additionally, a `::` (GitHub workflow command: `::error`, `::add-mask::`,
  `::stop-commands::`) or `##[` (the older form) at the start of a line gets a backslash, since the
  Actions runner reads every line of a step's output as a possible command;
- `markdown_text`: one line with the characters that make links, images, HTML or a broken table
  escaped and bare URLs broken by a zero-width space, so nothing from a card renders as a link
  or image in a job summary;
- `html_text`: one line with `&`, `<`, `>`, `"` and `'` as entities, so nothing from a card becomes an
  element, an attribute or a script in the HTML report (text and attribute values alike);
- `xml_text`: characters XML 1.0 cannot carry (most C0 controls, lone surrogates, U+FFFE/F) shown as
  escapes, so a JUnit file stays well-formed whatever a field contains.
Rich markup is never interpreted in card text: the terminal report builds `rich.text.Text` objects and
its console has markup and emoji codes turned off (`checker.console.text_console`).
"""

from __future__ import annotations

import html
import re

ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
"""CSI (`ESC [ ... m`), OSC (`ESC ] ... BEL`) and two-character escape sequences."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
"""C0 and C1 controls, line and paragraph separators, and the bidirectional marks and overrides."""

_WORKFLOW_COMMAND = re.compile(r"^(\s*)(::|##\[)", re.MULTILINE)


def _escape(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: object) -> str:
    """`text` as one printable line: ANSI sequences removed, every other control shown as an escape."""
    return _UNSAFE.sub(_escape, ANSI_ESCAPE.sub("", str(text)))


def neutralise_commands(text: str) -> str:
    """Every line that would start with `::` or `##[` gets a backslash in front, so the Actions runner
    never reads it as a workflow command (a report's own annotations are written apart from this)."""
    return _WORKFLOW_COMMAND.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def neutral_line(text: object) -> str:
    """One line that is also never a workflow command."""
    return neutralise_commands(one_line(text))


_MARKDOWN_ACTIVE = re.compile(r"([\\`\[\]|<>&@])")
"""What can make a link, an image, HTML or a table cell break: brackets (links and images need them), `<`
and `&` (HTML, autolinks, entities), backticks, pipes, `@` (e-mail autolinks), and the backslash itself."""
_AUTOLINK = re.compile(r"(?i)(://|\bwww\.)")
"""What GitHub turns into a link without any markup (`https://...`, `www.`): broken by a zero-width space."""


def markdown_text(text: object) -> str:
    """One line with the link-, image- and HTML-making characters escaped (`&`, `<`, `>` as entities), so
    card text renders as text: no link, image, autolink or HTML."""
    line = one_line(text)

    def escape(match: re.Match[str]) -> str:
        char = match.group(1)
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;"}.get(char, "\\" + char)

    escaped = _MARKDOWN_ACTIVE.sub(escape, line)
    return _AUTOLINK.sub(lambda m: m.group(0)[0] + "\u200b" + m.group(0)[1:], escaped)


def html_text(text: object) -> str:
    """One line, escaped for HTML text and quoted attribute values alike."""
    return html.escape(one_line(text), quote=True)


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: object) -> str:
    """`text` with what XML 1.0 cannot contain replaced by visible escapes (tabs and line breaks kept)."""
    return _XML_INVALID.sub(_escape, ANSI_ESCAPE.sub("", str(text)))
