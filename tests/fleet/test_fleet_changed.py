"""`clinicgen fleet changed`: which stacks a change affects, from git, as a CI matrix."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from generator.fleet.changed import Client, affected
from generator.fleet.run import ClientFacts, generate_fleet
from tests.fleet.conftest import edit_yaml

RIVERSIDE = Client(
    "clients/riverside.yaml", ClientFacts("riverside", "azure", None, (), ("main", "north")), False
)
CEDAR = Client("clients/cedar.yaml", ClientFacts("cedar", "gcp", "p", (), ("clinic",)), True)


@pytest.mark.parametrize(
    ("changed", "stacks", "removed"),
    [
        (
            ["projects/riverside/stacks/Pulumi.riverside-site-north.yaml"],
            {"riverside": ("riverside-site-north",)},
            (),
        ),
        (
            ["clients/riverside.yaml"],
            {"riverside": ("riverside-core", "riverside-site-main", "riverside-site-north")},
            (),
        ),
        # Regenerated: the stack files say what changed, not the profile.
        (
            ["clients/riverside.yaml", "projects/riverside/stacks/Pulumi.riverside-core.yaml"],
            {"riverside": ("riverside-core",)},
            (),
        ),
        (
            ["fleet.yaml"],
            {
                "cedar": ("cedar-core", "cedar-site-clinic"),
                "riverside": ("riverside-core", "riverside-site-main", "riverside-site-north"),
            },
            (),
        ),
        (["projects/cedar/requirements.txt"], {"cedar": ("cedar-core", "cedar-site-clinic")}, ()),
        (["projects/cedar/README.md", "projects/cedar/stacks/handoff/x.md", "docs/x.md"], {}, ()),
        (["projects/cedar/stacks/Pulumi.cedar-site-gone.yaml"], {}, ("cedar-site-gone",)),
        # A client that left the fleet: its profile and its whole project are gone, and every
        # one of its stacks is still deployed until someone destroys it.
        (
            [
                "clients/gone.yaml",
                "projects/gone/Pulumi.yaml",
                "projects/gone/stacks/Pulumi.gone-core.yaml",
                "projects/gone/stacks/Pulumi.gone-site-a.yaml",
            ],
            {},
            ("gone-core", "gone-site-a"),
        ),
    ],
)
def test_what_each_change_affects(changed, stacks, removed) -> None:
    def exists(path: str) -> bool:
        return "gone" not in path

    result = affected(changed, [RIVERSIDE, CEDAR], exists)
    assert result.stacks == stacks
    assert result.removed == removed


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def _committed(fleet: Path) -> None:
    """The fleet generated and committed to a new repository of its own."""
    assert not generate_fleet(fleet).problems
    _git(fleet, "init", "-q")
    _git(fleet, "add", "-A")
    _git(fleet, "commit", "-qm", "fleet")


def test_changed_since_a_ref_gives_the_matrix(fleet: Path, run_cli) -> None:
    (fleet / "clients" / "maple-grove.yaml").unlink()
    _committed(fleet)

    def add_site(document: dict) -> None:
        site = dict(document["sites"][0], id="east", name="Cedar East")
        site["connectivity"] = {"bandwidth_mbps": 100, "vpn_peer_ip": "192.0.2.141"}
        document["sites"].append(site)

    edit_yaml(fleet / "clients" / "cedar-ortho.yaml", add_site)
    assert not generate_fleet(fleet).problems
    result = run_cli("fleet", "changed", fleet, "--since", "HEAD", "--matrix", "github")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {
        "include": [
            {
                "client": "cedar-ortho",
                "stack": "cedar-ortho-core",
                "project": "projects/cedar-ortho",
                "cloud": "gcp",
                "wave": 0,
                "kind": "core",
            },
            {
                "client": "cedar-ortho",
                "stack": "cedar-ortho-site-east",
                "project": "projects/cedar-ortho",
                "cloud": "gcp",
                "wave": 0,
                "kind": "site",
            },
        ]
    }
    for ref in ("no-such-ref", "--output=written-by-git"):
        unknown = run_cli("fleet", "changed", fleet, "--since", ref)
        assert unknown.exit_code == 2
        assert unknown.stderr.startswith(
            f"--since: no commit named {ref!r} in {fleet}'s repository"
        )
    # A ref that looks like an option stays a ref: git wrote nothing.
    assert not (fleet / "written-by-git").exists()


@pytest.mark.parametrize(
    "command", [("changed", "--since", "main"), ("pipeline", "--ci", "github")]
)
def test_changed_and_pipeline_outside_git_say_so(fleet: Path, run_cli, command) -> None:
    outside = run_cli("fleet", command[0], fleet, *command[1:])
    assert outside.exit_code == 2
    assert outside.stderr == (
        f"{fleet}: not in a git repository: what changed and the CI that deploys it come from "
        "the repository that holds the fleet (git init, commit the fleet, then run this again)\n"
    )


def test_changed_before_a_first_commit_says_so(fleet: Path, run_cli) -> None:
    _git(fleet, "init", "-q")
    empty = run_cli("fleet", "changed", fleet, "--since", "main")
    assert empty.exit_code == 2
    assert empty.stderr == f"{fleet}: its repository has no commit yet: commit the fleet first\n"


def test_a_new_branch_null_before_counts_every_stack(fleet: Path, run_cli) -> None:
    """A push that creates the branch gives `github.event.before` as forty zeros: there is no
    earlier commit, so every stack of every client is to deploy, not an error."""
    _committed(fleet)
    result = run_cli("fleet", "changed", fleet, "--since", "0" * 40, "--matrix", "github")
    assert result.exit_code == 0, result.stderr
    stacks = [item["stack"] for item in json.loads(result.stdout)["include"]]
    assert sorted(stacks) == sorted(
        [
            "cedar-ortho-core",
            "cedar-ortho-site-clinic",
            "maple-grove-core",
            "maple-grove-site-main",
            "riverside-core",
            "riverside-site-main",
            "riverside-site-north",
        ]
    )


def test_changed_since_a_ref_with_no_shared_history(fleet: Path, run_cli) -> None:
    _committed(fleet)
    _git(fleet, "branch", "first")
    _git(fleet, "checkout", "-q", "--orphan", "other")
    _git(fleet, "commit", "-qm", "unrelated")
    result = run_cli("fleet", "changed", fleet, "--since", "first")
    assert result.exit_code == 2
    assert result.stderr == f"--since: 'first' shares no history with HEAD in {fleet}\n"


def test_matrix_filters_by_wave_and_kind_for_each_ci(fleet: Path, run_cli) -> None:
    _committed(fleet)
    edit_yaml(fleet / "fleet.yaml", lambda d: d["minimums"].update(retention_years=7))

    # fleet.yaml changed, nothing regenerated: every stack of every client.
    def changed(*args: str):
        return run_cli("fleet", "changed", fleet, "--since", "HEAD", *args)

    canary = changed("--matrix", "azure-devops", "--wave", "0", "--kind", "site")
    assert json.loads(canary.stdout) == {
        "cedar_ortho_site_clinic": {
            "client": "cedar-ortho",
            "stack": "cedar-ortho-site-clinic",
            "project": "projects/cedar-ortho",
            "cloud": "gcp",
            "wave": 0,
            "kind": "site",
        },
        "maple_grove_site_main": {
            "client": "maple-grove",
            "stack": "maple-grove-site-main",
            "project": "projects/maple-grove",
            "cloud": "azure",
            "wave": 0,
            "kind": "site",
        },
    }
    cores = changed("--matrix", "github", "--wave", "1", "--kind", "core")
    assert [item["stack"] for item in json.loads(cores.stdout)["include"]] == ["riverside-core"]
    alone = changed("--wave", "1")
    assert alone.exit_code == 2
    assert "--wave and --kind go with --matrix" in alone.stderr
