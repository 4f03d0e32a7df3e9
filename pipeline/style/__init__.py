"""House style as data: style packs of Vale-like rules (rules.py), run over a file's prose (engine.py),
across the report's files for consistency (consistency.py), and written into the build (fixes.py).

The UN Editorial Manual's pack ships in packs/ (English, French, Spanish); a project adds its own in
styles/ and chooses packs and levels in report.yaml's `style:`."""
