"""Property: any document, however malformed, ends in a Profile or a clean ProfileError."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import ProfileError
from generator.profile import load_profile, profile_from_document
from generator.profile.loader import parse_document
from generator.profile.model import Profile
from tests.paths import EXAMPLES

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.sampled_from(["10.64.0.0/12", "203.0.113.10", "eastus", "us-central1", "main", "on"]),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(max_size=12) | st.sampled_from(["sites", "practice", "id"]), inner, max_size=4
        )
    ),
    max_leaves=25,
)


def _outcome(run: Any) -> Profile | ProfileError:
    try:
        return run()
    except ProfileError as err:
        assert err.problems, "a ProfileError must carry at least one problem"
        assert all(str(problem).startswith("fuzz.yaml: ") for problem in err.problems)
        return err


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_ends_in_a_profile_or_a_clean_error(text):
    outcome = _outcome(
        lambda: profile_from_document(parse_document(text, "fuzz.yaml"), "fuzz.yaml")
    )
    assert isinstance(outcome, Profile | ProfileError)


@given(documents)
@settings(max_examples=300, deadline=None)
def test_any_yaml_document_ends_in_a_profile_or_a_clean_error(document):
    text = yaml.safe_dump(document)
    outcome = _outcome(
        lambda: profile_from_document(parse_document(text, "fuzz.yaml"), "fuzz.yaml")
    )
    assert isinstance(outcome, Profile | ProfileError)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


EXAMPLE_DOCUMENTS = [yaml.safe_load(Path(path).read_text()) for path in EXAMPLES]


@given(
    st.sampled_from(EXAMPLE_DOCUMENTS),
    st.data(),
    st.one_of(st.just("delete"), documents),
)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_example_profiles_end_in_a_profile_or_a_clean_error(document, data, replacement):
    mutated = copy.deepcopy(document)
    path = data.draw(st.sampled_from(_paths(mutated)))
    node = mutated
    for step in path[:-1]:
        node = node[step]
    if replacement == "delete":
        del node[path[-1]]
    else:
        node[path[-1]] = replacement
    outcome = _outcome(lambda: profile_from_document(mutated, "fuzz.yaml"))
    assert isinstance(outcome, Profile | ProfileError)


def test_examples_are_valid():
    assert len(EXAMPLES) >= 4
    for path in EXAMPLES:
        assert isinstance(load_profile(path), Profile)
