# rnncourse: `make lab` to learn, `make test` to check everything. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8888

.PHONY: lab test student slides grade bench clean help

help:
	@echo "make lab      start JupyterLab on the course (sets up .venv on first use)"
	@echo "make test     run the whole test suite (package, notebooks, nbgrader round trip)"
	@echo "make student  regenerate notebooks/ from solutions/ with nbgrader"
	@echo "make slides   build reveal.js slides of the solved notebooks into build/slides"
	@echo "make grade UNIT=04_bptt [WORKERS=2] [ARGS='--regrade']   grade submitted/ for a unit (see README)"
	@echo "make bench    benchmarks (start-up, references vs Keras, generation, notebooks, grading, the suite): tables in build/bench/"
	@echo "make clean    remove built files (slides, gradebook, nbgrader folders), keep .venv"

# Re-installs only when pyproject.toml is newer than the last install.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rnncourse needs Python 3.11 or newer; run e.g. make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" --port=$(PORT) \
	    $(if $(DISPLAY)$(filter Darwin,$(shell uname -s)),,--no-browser) \
	    $(if $(filter 0,$(shell id -u)),--allow-root,) \
	    notebooks/00_welcome/00_welcome.ipynb

# PYTHONDONTWRITEBYTECODE= : bytecode caches on, even where the environment turns them off, or every
# kernel and nbgrader process of the suite compiles the package again, and each worker the tests.
test: $(STAMP)
	$(BIN)/ruff check rnncourse tests benchmarks
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest

student: $(STAMP)
	$(BIN)/python -m rnncourse.course.release

slides: $(STAMP)
	$(BIN)/python -m rnncourse.course.slides build/slides
	@echo "open build/slides/<unit>.slides.html in a browser (arrow keys move between slides)"

grade: $(STAMP)
	@test -n "$(UNIT)" || { echo "usage: make grade UNIT=04_bptt [WORKERS=2] [ARGS='--regrade --student alice']"; exit 2; }
	$(BIN)/python -m rnncourse.course.grading $(UNIT) $(if $(WORKERS),--workers $(WORKERS),) $(ARGS)

bench: $(STAMP)
	$(BIN)/python benchmarks/startup.py
	$(BIN)/python benchmarks/references.py
	$(BIN)/python benchmarks/generation.py
	$(BIN)/python benchmarks/notebooks.py $(UNITS)
	$(BIN)/python benchmarks/notebooks.py --busy $(UNITS)
	$(BIN)/python benchmarks/grading.py $(UNITS)
	$(if $(UNITS),,$(BIN)/python benchmarks/suite.py)

clean:
	rm -rf build gradebook.db submitted normalised autograded feedback exchange reports grades.csv .grading .pytest_cache
