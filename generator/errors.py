"""The one error hierarchy of clinicgen.

Core code raises these; the CLI edge (`generator.cli`) is the only place that turns them into
messages on stderr and exit codes. Anything the user can fix is one of these, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class ClinicgenError(Exception):
    """Base of every error a user can act on. `exit_code` is what the CLI exits with."""

    exit_code = 1

    def lines(self) -> list[str]:
        """The message as the lines the CLI prints, one problem per line."""
        return [str(self)]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file: where it is, what is wrong, what was found."""

    file: str
    path: str
    message: str
    value: object = None
    has_value: bool = False

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}: " if self.path else f"{self.file}: "
        got = f" (got {_show(self.value)})" if self.has_value else ""
        return f"{where}{self.message}{got}"


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        text = str(value).lower()
    if value is None:
        text = "null"
    # Long or multi-line values would swamp the one-line-per-problem format.
    text = text.replace("\n", "\\n")
    return text if len(text) <= 80 else text[:77] + "..."


class ProfileError(ClinicgenError):
    """Raised when a practice profile cannot be read or is invalid; carries every problem found."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


class PlanError(ClinicgenError):
    """Raised when a valid profile cannot be planned: the address pool runs out, a site
    outgrows its block, or the allocation ledger contradicts the profile."""

    exit_code = 2


class AddressPoolError(PlanError):
    """Raised when the address pool cannot hold the hub and every site; the message names the
    smallest pool at the same address that would."""


class LedgerError(PlanError):
    """Raised when the allocation ledger cannot be read or is inconsistent."""


class OutputError(ClinicgenError):
    """Raised when generated files cannot be written safely: a hand-edited stack file without
    --force, a path that would leave the output directory, an unwritable directory."""

    exit_code = 1


class OutputStreamError(ClinicgenError):
    """Raised when clinicgen cannot write to standard output or standard error (a full disk
    behind `> file`, a closed file): what the command printed is incomplete."""

    exit_code = 1


class ReaderGoneError(OutputStreamError):
    """Raised when the reader of standard output went away (`clinicgen plan | head -1`): it
    has what it wanted, so nothing more is said."""

    def lines(self) -> list[str]:
        return []


class ChecksFailedError(ClinicgenError):
    """Raised by `clinicgen check` and `clinicgen preview` after the findings are shown, when
    any compliance check fails and the profile does not waive it, or any deployability rule
    fails; one line per family that failed."""

    exit_code = 1

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))

    def lines(self) -> list[str]:
        return list(self.problems)


class PreviewError(ClinicgenError):
    """Raised when the Pulumi program cannot be run under mocks for a preview, diff or check."""

    exit_code = 1


class PreviewInputError(PreviewError):
    """Raised when a preview or diff source cannot be read as a practice's stacks: a stacks
    directory with no stack files, several practices and no way to choose, a file that is not
    a clinicgen stack file or saved preview, or two sources that are different practices."""

    exit_code = 2


class MissingSdkError(PreviewError):
    """Raised when running a practice's stacks needs a cloud's Pulumi SDK that is not
    installed: the message names the extra that installs it."""

    exit_code = 2


class DestructiveChangeError(ClinicgenError):
    """Raised by `clinicgen diff`, after the diff is shown, when it would replace or delete an
    existing resource and --allow-destructive was not given, or would delete or replace a
    protected resource (refused even with --allow-destructive)."""

    exit_code = 3


class PriceCatalogError(ClinicgenError):
    """Raised when a price catalog (`generator/catalog/prices/<cloud>.yaml` or `--prices FILE`)
    cannot be read or an entry lacks its price, source or capture date; names file and field."""

    exit_code = 2


class PriceUpdateError(ClinicgenError):
    """Raised by `clinicgen prices update` when the Azure Retail Prices API cannot be reached
    or answers with something other than its documented response; the catalog is unchanged."""

    exit_code = 1
