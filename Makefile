# Two commands do everything on a fresh machine:
#   make report   build the example report into build/
#   make test     run the test suite
# Both create .venv and install what they need from PyPI.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test check status bench fuzz clean reference

# The example is set in 2011: judge its deadlines as the editors did in April.
EXAMPLE_DAY ?= 2011-04-20

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The example deliberately carries the imperfections editors meet (tracked
# changes, an unassigned agency), so the check finds errors: build anyway.
report: $(STAMP)
	$(BIN)/jointreport build --force --lang all
	$(BIN)/jointreport statement spf-coalition

check: $(STAMP)
	$(BIN)/jointreport check --as-of $(EXAMPLE_DAY)

status: $(STAMP)
	$(BIN)/jointreport status --as-of $(EXAMPLE_DAY) --html build/status.html

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Property-based fuzzing of drafts (Hypothesis), bounded: FUZZ_EXAMPLES per property and 15 minutes in all.
FUZZ_EXAMPLES ?= 25
fuzz: $(STAMP)
	$(BIN)/pip install --quiet -e '.[fuzz]'
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) timeout 900 $(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz_inputs.py

bench: $(STAMP)
	$(BIN)/python tests/bench.py

reference: $(STAMP)
	$(BIN)/python templates/make_reference_docx.py

clean:
	rm -rf build
