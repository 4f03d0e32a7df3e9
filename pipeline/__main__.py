"""`python -m pipeline` is the `jointreport` command."""

from .cli import main

main()
