"""Translation hand-off and return: units with stable ids, XLIFF 2 and Word packages, the structure
check of what comes back, the translation memory (TMX) and glossary (TBX). A library: the command
`jointreport translate` (pipeline/commands/translate.py) runs it against a loaded, read project."""
