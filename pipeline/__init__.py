"""jointreport: assemble a coalition's joint report from the drafts its agencies send."""

__version__ = "0.1.0"
