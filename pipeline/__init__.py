"""jointreport: assemble a coalition's joint report from the drafts its agencies send."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jointreport")  # pyproject.toml's, as installed: one place to bump it
except PackageNotFoundError:  # run from a checkout that was never installed
    __version__ = "0+unknown"
