"""The one Jinja2 environment every generated file is rendered through.

Templates live in the project's top-level `templates/` folder, mirror the output tree and
end in `.jinja`; an installed clinicgen carries that folder as `generator/templates`
(pyproject.toml maps it there). Undefined names are errors (StrictUndefined), trailing
newlines are kept, and profile values reach YAML only through the `yaml`, `yaml_key` and
`yaml_block` filters and Markdown only through the `md` filter; HTML templates escape every
value (autoescaping) after the `text` filter has made it one visible line: they are data, never
template source.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.yaml_input import read_generated_yaml

if TYPE_CHECKING:
    import jinja2


def templates_dir() -> Path:
    """The templates folder: inside the installed package (a wheel, `pip install .`), else the
    checkout's top-level `templates/` (an editable install, or running from the checkout)."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "templates"
    return installed if installed.is_dir() else package.parent / "templates"


# Words YAML 1.1 readers (PyYAML, go-yaml v2) turn into booleans or null when unquoted.
_YAML_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null"])
_PLAIN_KEY = re.compile(r"[a-z][a-z0-9_-]*(?::[a-z][a-zA-Z0-9_-]*)?\Z")
# ASCII punctuation that means something to Markdown: emphasis, code, links, HTML, tables,
# strikethrough, headings, images, entities (`&`) and GitHub's math (`$`).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&#!$])")
# GitHub turns bare `scheme:` URLs, `www.` names and email addresses in plain text into links
# (GFM spec, "Autolinks (extension)": https://github.github.com/gfm/#autolinks-extension-).
# An escaped `:` in `scheme://` or `.` after www stops the first two; an email
# is found in the text after escapes are resolved, so an empty HTML comment, which GitHub
# does not show, splits it at its `@`.
_AUTOLINK_TRIGGER = re.compile(r"(?<=[a-z])(:)(?=//)|(www)\.", re.IGNORECASE)
AUTOLINK_BREAK = "<!-- -->"


def _hidden(char: str) -> bool:
    """True for characters a reader cannot see or that YAML treats as structure.

    Control and format characters (bidi overrides, zero-width, BOM), surrogates, private-use
    and unassigned code points, and every separator but the plain space: escaped, they show in
    a pull request as what they are instead of reordering or hiding the text around them.
    """
    return char != " " and unicodedata.category(char)[0] in "CZ"


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def yaml_value(value: Any) -> str:
    """`value` as one YAML flow scalar or collection that reads back equal to it.

    JSON is a subset of YAML 1.2: json.dumps quotes every string and escapes control
    characters, so user text cannot change the structure of the file it lands in (no anchors,
    tags, document markers or comments). What JSON leaves raw and YAML would not read back
    (line separators, BOM, lone surrogates), and what would mislead a reviewer (bidi overrides,
    zero-width characters), is escaped too; characters above U+FFFF use `\\U` escapes, since
    YAML does not join JSON's surrogate-pair escapes.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    plain = text.isascii() and text.isprintable()
    if not plain:
        text = "".join(_escape(char) if _hidden(char) else char for char in text)
    if not (plain and _reads_back_by_construction(value)) and read_generated_yaml(text) != value:
        raise ValueError(f"value does not round-trip through YAML: {value!r}")
    return text


def _is_json_word(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | str)


def _reads_back_by_construction(value: Any) -> bool:
    """True for values whose printable-ASCII JSON is, as YAML 1.1, that value by definition:
    null, true, false, integers, double-quoted strings (every escape JSON writes in one is a
    YAML escape of the same character) and flat lists of them; nine in ten values a stack file
    holds, so those need no parse. Not floats: YAML 1.1 reads JSON's `1e-05` as a string."""
    if isinstance(value, list):
        return all(_is_json_word(item) for item in value)
    return _is_json_word(value)


def yaml_key(key: str) -> str:
    """A mapping key: plain when it is a simple lowercase name (`backup`, `clinicgen:plan`,
    `cost-center`) that every YAML reader takes as that string, else quoted like a value."""
    if _PLAIN_KEY.match(key) and key.lower() not in _YAML_WORDS:
        return key
    return yaml_value(key)


def yaml_block(value: dict[str, Any], indent: int = 0) -> str:
    """A mapping as block-style YAML at `indent` spaces, one key per line (no final newline).

    Nested mappings and lists of mappings are blocks, so a change to one value is a one-line
    diff; scalars, empty collections and lists of scalars are `yaml_value` flow values.
    """
    return "\n".join(_mapping_lines(value, indent))


def _is_block(value: Any) -> bool:
    if isinstance(value, dict):
        return bool(value)
    if isinstance(value, list):
        return any(isinstance(item, dict | list) and item for item in value)
    return False


def _mapping_lines(mapping: dict[str, Any], indent: int) -> list[str]:
    pad = " " * indent
    lines = []
    for key, item in mapping.items():
        if _is_block(item):
            lines.append(f"{pad}{yaml_key(key)}:")
            lines.extend(_block_lines(item, indent + 2))
        else:
            lines.append(f"{pad}{yaml_key(key)}: {yaml_value(item)}")
    return lines


def _block_lines(value: dict[str, Any] | list[Any], indent: int) -> list[str]:
    if isinstance(value, dict):
        return _mapping_lines(value, indent)
    pad = " " * indent
    lines = []
    for item in value:
        if not _is_block(item):
            lines.append(f"{pad}- {yaml_value(item)}")
            continue
        # The item's own lines sit two columns in; its first line takes the "- " there.
        nested = _block_lines(item, indent + 2)
        if isinstance(item, dict):
            lines.append(f"{pad}- {nested[0].lstrip()}")
            lines.extend(nested[1:])
        else:
            lines.append(f"{pad}-")
            lines.extend(nested)
    return lines


def visible_text(value: Any) -> str:
    """`value` as one line of text a reader sees whole: whitespace folded to single spaces and
    every hidden character (controls, bidi overrides, zero-width) named as `U+XXXX`. What every
    report shows of profile text, before the escaping of the format it lands in (the `text`
    filter; Markdown's `md` builds on it)."""
    text = "".join(f"U+{ord(char):04X}" if _invisible(char) else char for char in str(value))
    return " ".join(text.split())


def markdown_cell(value: Any) -> str:
    """Text that stays one inert run of text in Markdown: on one line, inside its table cell,
    with no markup, links (GitHub's autolinks included), HTML or hidden characters of its own.

    Every Markdown template renders profile text through this one filter (`md`)."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", visible_text(value))
    text = _AUTOLINK_TRIGGER.sub(lambda m: "\\:" if m.group(1) else m.group(2) + "\\.", text)
    return text.replace("@", "@" + AUTOLINK_BREAK)


def _invisible(char: str) -> bool:
    # Whitespace is folded to single spaces afterwards; everything else hidden is named.
    return _hidden(char) and not char.isspace()


@cache
def environment() -> jinja2.Environment:
    # Imported here, once, when the first text is rendered: a command that renders nothing
    # (plan as JSON, validate) does not pay for loading Jinja.
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # HTML templates (`*.html.jinja`) escape every value they print (Jinja2's autoescaping):
        # profile text in the approval report is text, never markup. The others render YAML
        # and Markdown, escaped by their own filters.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.jinja",), default=False),
    )
    env.filters["yaml"] = yaml_value
    env.filters["yaml_key"] = yaml_key
    env.filters["yaml_block"] = yaml_block
    env.filters["md"] = markdown_cell
    env.filters["text"] = visible_text
    return env


def render(template: str, **context: Any) -> str:
    """Render `templates/<template>` (a path ending in `.jinja`) with `context`."""
    return environment().get_template(template).render(**context)
