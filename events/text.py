"""Text from a log, made safe where it lands: the terminal, a spreadsheet, an XML file.

A log is written by someone else. Its names, quotes and notes may hold escape
sequences that retitle or clear a terminal, bidirectional overrides that hide
what a line says, characters no XML document may carry, or cells a spreadsheet
runs as formulas. Each such danger is decided here, once:

- :func:`shown` is the one way a string reaches the terminal: control
  characters, bidirectional controls and line separators are written as
  Python-style escapes (``\\x1b``, ``\\n``, ``\\u202e``), so they are seen, not obeyed;
- :func:`xml_invalid` finds the first character XML 1.0 cannot carry (the log
  loader refuses it, so a valid log always exports as valid XML);
- :func:`spreadsheet_cell` guards a CSV cell that a spreadsheet would run
  as a formula (OWASP's "CSV injection" rule).

>>> shown("TA\\x1b]0;owned\\x07 [b]x[/b]")
'TA\\\\x1b]0;owned\\\\x07 [b]x[/b]'
>>> xml_invalid("ok\\x0bno")
2
>>> spreadsheet_cell("=HYPERLINK(1)"), spreadsheet_cell("-9"), spreadsheet_cell("Kazakhstan")
("'=HYPERLINK(1)", '-9', 'Kazakhstan')
"""

from __future__ import annotations

import re
import unicodedata

# C0 and C1 controls and DEL; bidirectional embeddings, overrides and isolates (the "Trojan source" marks);
# the Unicode line and paragraph separators. None of these belongs in a terminal line unescaped.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# What json.dumps leaves raw that a terminal may obey (it escapes only C0): DEL, C1, bidi and separator marks.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
# What XML 1.0 allows: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A cell a spreadsheet reads as a formula (or as a formula's continuation, for tab and carriage return).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def _escape(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in "\n\t\r":
        return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object) -> str:
    """A string as it may be printed on a terminal: every control character written as an escape."""
    return _UNSHOWABLE.sub(_escape, str(text))


def json_safe(json_text: str) -> str:
    """JSON text with the characters a terminal would obey written as \\u escapes: the same JSON value."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json_text)


def xml_invalid(text: str) -> int | None:
    """The position of the first character XML 1.0 cannot carry (a control character, say), else None."""
    m = _XML_INVALID.search(text)
    return None if m is None else m.start()


def describe_char(ch: str) -> str:
    """A character named for an error message: ``U+001B (ESCAPE)``."""
    return f"U+{ord(ch):04X} ({unicodedata.name(ch, 'a control character')})"


def spreadsheet_cell(text: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula: one starting with = + - @ tab or CR gets a leading '.

    Numbers (``-9``, ``+3.5``) are left as they are: a spreadsheet reads them as numbers, never as formulas.
    """
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
