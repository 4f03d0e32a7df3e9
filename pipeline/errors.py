"""The one error root the CLI prints; anything else escaping is an internal bug (exit 3)."""


class JointreportError(Exception):
    """A problem the user can fix; its message is shown as is."""

    exit_code = 1


class ProjectError(JointreportError):
    """The project itself is broken (bad YAML, unknown agency ids, no outline).

    Carries every problem found, not just the first, so an editor can fix them in one go.
    """

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        if len(self.problems) == 1:
            super().__init__(self.problems[0])
        else:
            listing = "\n".join(f"  {problem}" for problem in self.problems)
            super().__init__(f"the project has {len(self.problems)} problems:\n{listing}")


class DraftError(JointreportError):
    """One agency draft cannot be read; reported as a finding (with `code`), never stops the others."""

    code = "input/unreadable"


class TooLarge(DraftError):
    """A draft whose text would cost more time or memory than one draft may take."""

    code = "input/too-large"


class OptionError(JointreportError):
    """A command-line value the project cannot honour (a language or milestone it does not have)."""

    exit_code = 2

    def __init__(self, option: str, message: str):
        super().__init__(f"invalid value for {option}: {message}")


class BuildRefused(JointreportError):
    """The gate closed: errors without --force, or sections short of a release stage. Carries the
    findings, so a face can show them before the reason."""

    def __init__(self, message: str, project=None, findings: list | None = None):
        super().__init__(message)
        self.project = project
        self.findings = findings or []
