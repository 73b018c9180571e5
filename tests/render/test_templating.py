"""The YAML and Markdown filters: any value reads back equal, and no text changes structure."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import cmarkgfm
import jinja2
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.templating import (
    AUTOLINK_BREAK,
    markdown_cell,
    render,
    yaml_block,
    yaml_key,
    yaml_value,
)

# Text that has broken generators before: quoting, line breaks, template and shell syntax,
# path traversal, bidi overrides, YAML document markers and indicators, invisible characters.
HOSTILE_FRAGMENTS = (
    '"',
    "'",
    "\n",
    "\r\n",
    "\t",
    "{{ 7 * 7 }}",
    "{% raw %}",
    "{# x #}",
    "${HOME}",
    "$(touch pwned)",
    "`id`",
    "../",
    "..\\",
    "\u202e",
    "\u2066",
    "---\n",
    "\n...\n",
    "# not a comment",
    ": ",
    "- ",
    "&anchor *alias",
    "!!python/object/apply:os.system",
    "|",
    "> ",
    "%YAML 1.1",
    "<!-- x -->",
    "[a](http://example.com)",
    "\u2028\u2029\x85",
    "\ufeff",
    "\x00\x07\x1b[31m\x7f",
    "\u200b",
    "\U0001f3e5",
    "\ud800",
    "on",
    "0o17",
    "~",
)
# Every code point, surrogates included (a profile read through YAML escapes can hold them).
any_text = st.text(st.characters(codec=None, exclude_categories=()))
hostile_text = st.lists(st.one_of(st.sampled_from(HOSTILE_FRAGMENTS), any_text), max_size=8).map(
    "".join
)
scalars = st.none() | st.booleans() | st.integers() | hostile_text
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(hostile_text, inner, max_size=4),
    max_leaves=20,
)

# Pure functions: no deadline, so a loaded machine does not fail them on time alone.
UNTIMED = settings(deadline=None)


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)


@UNTIMED
@given(json_values)
def test_yaml_value_reads_back_equal(value: Any) -> None:
    text = yaml_value(value)
    assert "\n" not in text
    assert yaml.safe_load(text) == value


@pytest.mark.parametrize("value", [1e-05, [1e-05], {"a": 1e-05}])
def test_yaml_value_proves_what_is_not_yaml_by_construction(value: Any) -> None:
    # JSON's 1e-05 is a string to YAML 1.1: only the read-back can tell.
    with pytest.raises(ValueError, match="does not round-trip"):
        yaml_value(value)


@UNTIMED
@given(hostile_text.filter(lambda text: not _has_surrogate(text)))
def test_yaml_value_reads_back_equal_with_libyaml(text: str) -> None:
    # libyaml is what go-yaml (Pulumi's reader) was ported from: it must agree too.
    assert yaml.load(yaml_value(text), Loader=yaml.CSafeLoader) == text


@UNTIMED
@given(hostile_text)
def test_yaml_value_shows_no_hidden_character(text: str) -> None:
    rendered = yaml_value(text)
    hidden = [c for c in rendered if c != " " and unicodedata.category(c)[0] in "CZ"]
    assert hidden == []


@pytest.mark.parametrize(
    ("text", "escaped"),
    [("\u202e", "\\u202e"), ("\U0001f3e5", "\U0001f3e5"), ("\u2028", "\\u2028"), ("é", "é")],
)
def test_yaml_value_escapes_only_what_hides(text: str, escaped: str) -> None:
    assert yaml_value(text) == f'"{escaped}"'


@pytest.mark.parametrize(
    ("key", "plain"),
    [
        ("backup", True),
        ("clinicgen:plan", True),
        ("azure-native:location", True),
        ("cost-center", True),
        ("on", False),
        ("y", False),
        ("No", False),
        ("null", False),
        ("two words", False),
        ("#x", False),
        ("", False),
    ],
)
def test_yaml_key_is_plain_only_for_simple_names(key: str, plain: bool) -> None:
    assert (yaml_key(key) == key) is plain


@UNTIMED
@given(hostile_text)
def test_yaml_key_reads_back_as_the_same_string(key: str) -> None:
    assert yaml.safe_load(f"{yaml_key(key)}: 1") == {key: 1}


@UNTIMED
@given(st.dictionaries(hostile_text, json_values, min_size=1, max_size=5))
def test_yaml_block_reads_back_equal(mapping: dict[str, Any]) -> None:
    text = "root:\n" + yaml_block(mapping, 2) + "\n"
    assert yaml.safe_load(text) == {"root": mapping}


def test_yaml_block_puts_nested_mappings_and_lists_of_mappings_in_blocks() -> None:
    value = {"a": {"b": [1, 2], "c": [{"d": "x", "e": []}, {"f": {}}]}, "g": [[{"h": 1}]]}
    assert yaml_block(value) == "\n".join(
        [
            "a:",
            "  b: [1, 2]",
            "  c:",
            '    - d: "x"',
            "      e: []",
            "    - f: {}",
            "g:",
            "  -",
            "    - h: 1",
        ]
    )


def _cells(row: str) -> list[str]:
    # GitHub splits a table row on every `|` not escaped with a backslash.
    return re.split(r"(?<!\\)\|", row)


@UNTIMED
@given(hostile_text)
def test_markdown_cell_stays_one_inert_cell(text: str) -> None:
    cell = markdown_cell(text)
    row = f"| {cell} | next |"
    assert row.splitlines() == [row]
    assert len(_cells(row)) == 4
    bare = cell.replace("\\\\", "").replace(AUTOLINK_BREAK, "")
    assert re.search(r"(?<!\\)[`*_\[\]<>~&#!$]", bare) is None
    assert all(c == " " or unicodedata.category(c)[0] not in "CZ" for c in cell)
    cell.encode("utf-8")
    assert "<a " not in _github_html(f"{row}\n| - | - |\n{row}\n")


def _github_html(markdown: str) -> str:
    # GitHub's own Markdown library (cmark-gfm) with its extensions: tables, autolinks, ...
    return cmarkgfm.github_flavored_markdown_to_html(markdown)


@pytest.mark.parametrize(
    "text",
    [
        "Clinic https://evil.example/login",
        "see WWW.evil.example now",
        "front-desk@evil.example",
        "mailto:front-desk@evil.example",
        "xmpp:desk@evil.example",
        "ftp://files.evil.example",
    ],
)
def test_markdown_cell_never_becomes_a_link_on_github(text: str) -> None:
    cell = markdown_cell(text)
    html = _github_html(f"| {cell} |\n| - |\n| {cell} |\n\n{cell}\n")
    assert "<a " not in html
    # What a reader sees: the text as written (GitHub shows no HTML comment).
    assert re.sub(r"<!--.*?-->", "", html).count(text) == 3


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("Main Street Clinic", "Main Street Clinic"),
        ("a|b", "a\\|b"),
        ("<!-- x", "\\<\\!-- x"),
        ("[x](y)", "\\[x\\](y)"),
        ("line\nbreak\u2028here", "line break here"),
        ("\u202eevil", "U+202Eevil"),
        ("\\|", "\\\\\\|"),
    ],
)
def test_markdown_cell_examples(text: str, cell: str) -> None:
    assert markdown_cell(text) == cell


def test_templates_are_strict() -> None:
    with pytest.raises(jinja2.UndefinedError, match="config"):
        render("stacks/Pulumi.stack.yaml.jinja")
