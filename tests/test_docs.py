"""The project explains itself: no citation of documents outside the repository, and every
link into docs/ lands on a heading that exists.

Catalog `source:` strings, rule docstrings and comments cite primary sources or the project's
own docs (`docs/architecture.md#address-plan`). A team-internal file that is not in the
repository explains nothing to a reader of it, so citing one is an error here.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache

import pytest

from tests.paths import ROOT

# Where the product's own text lives: code, catalogs, templates and docs.
PRODUCT = ("generator/", "blueprints/", "templates/", "docs/", "README.md")

# Files that are not in the repository; each matched case-insensitively.
OUTSIDE = ("DESIGN.md", "STYLE.md", "shared/")
OUTSIDE_PATTERN = re.compile("|".join(re.escape(name) for name in OUTSIDE), re.IGNORECASE)

# `docs/<file>.md#<anchor>` anywhere in the source tree, not part of a longer path.
DOCS_LINK = re.compile(r"(?<![\w./-])docs/([\w.-]+\.md)#([\w-]+)")
# Markdown links with an anchor inside docs/ and README.md: `[text](file.md#anchor)`, `(#anchor)`.
MARKDOWN_LINK = re.compile(r"\]\(([^)\s#]*)#([^)\s]+)\)")

HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def _listed_files() -> list[str]:
    """Tracked files and new ones git does not ignore; every file under ROOT without git."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
            text=True,
        ).stdout.split("\0")
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache"}
        return sorted(
            path.relative_to(ROOT).as_posix()
            for path in ROOT.rglob("*")
            if path.is_file() and not skip & set(path.relative_to(ROOT).parts)
        )
    return sorted(name for name in listed if name and (ROOT / name).is_file())


@cache
def _texts() -> dict[str, str]:
    """Every listed text file by its path relative to ROOT (binary files left out)."""
    texts = {}
    for name in _listed_files():
        try:
            texts[name] = (ROOT / name).read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
    return texts


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text: markup and punctuation dropped, lowercase,
    spaces to hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return text.replace(" ", "-")


def anchors(markdown: str) -> set[str]:
    """Every heading anchor of a markdown document, `-1`, `-2` ... on repeated headings, as
    GitHub numbers them; headings inside fenced code blocks are not headings."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match is None:
            continue
        base = slug(match.group(2))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def _links() -> list[tuple[str, int, str, str]]:
    """(file, line, target document relative to ROOT, anchor) for every docs link."""
    links = []
    for name, text in _texts().items():
        markdown = name.endswith(".md") and (name.startswith("docs/") or name == "README.md")
        for number, line in enumerate(text.splitlines(), start=1):
            for match in DOCS_LINK.finditer(line):
                links.append((name, number, f"docs/{match.group(1)}", match.group(2)))
            if not markdown:
                continue
            for match in MARKDOWN_LINK.finditer(line):
                target, anchor = match.groups()
                if target.startswith(("http://", "https://", "mailto:")):
                    continue
                if target and not target.endswith(".md"):
                    continue
                path = (ROOT / name).parent / target if target else ROOT / name
                try:
                    relative = path.resolve().relative_to(ROOT).as_posix()
                except ValueError:
                    relative = str(path)
                links.append((name, number, relative, anchor))
    return links


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Address plan", "address-plan"),
        ("`sites[]`", "sites"),
        ("`decisions[]`", "decisions"),
        ("Stacks: one core, one per site", "stacks-one-core-one-per-site"),
        ("The [ledger](ledger.md) and its rules", "the-ledger-and-its-rules"),
        ("snake_case stays", "snake_case-stays"),
    ],
)
def test_slug_follows_github(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_repeated_headings_are_numbered_and_fenced_ones_ignored() -> None:
    text = "# A\n## Notes\n```\n## Not a heading\n```\n## Notes\n"
    assert anchors(text) == {"a", "notes", "notes-1"}


def test_product_files_cite_no_file_outside_the_repository() -> None:
    offenders = [
        f"{name}:{number}: {line.strip()}"
        for name, text in _texts().items()
        if name.startswith(PRODUCT)
        for number, line in enumerate(text.splitlines(), start=1)
        if OUTSIDE_PATTERN.search(line)
    ]
    assert not offenders, (
        "cite the primary source or the project's own docs (docs/architecture.md) instead:\n"
        + "\n".join(offenders)
    )


def test_every_docs_link_resolves_to_a_heading() -> None:
    links = _links()
    assert any(target == "docs/architecture.md" for _n, _l, target, _a in links), (
        "no link into docs/architecture.md found: is the link pattern still right?"
    )
    broken = []
    for name, number, target, anchor in links:
        document = ROOT / target
        if not document.is_file():
            broken.append(f"{name}:{number}: {target}#{anchor}: no such file")
        elif anchor not in anchors(document.read_text(encoding="utf-8")):
            broken.append(f"{name}:{number}: {target}#{anchor}: no such heading")
    assert not broken, "\n".join(broken)
