# edgegrid.access: build, test and try the collection.
# `make test` is the one test command (CI runs it through .ci/run). It needs Python 3.11 or newer; the whole test
# matrix (tests/compat/matrix: ansible-core 2.19 on 3.11, 2.20 on 3.12, 2.21 on 3.13) needs those Pythons too,
# found on PATH or in pyenv's versions (tests/utils/find-python).
#
# PYTHON names the Python of the default .venv; without it, the newest Python 3.11+ found is used. The default
# .venv gets the newest ansible-core that Python supports (2.21 on Python 3.12 and later).

PYTHON ?=
FIND_PYTHON := sh tests/utils/find-python
VENV := .venv
BIN := $(VENV)/bin
BUILD := .build
COLL := $(BUILD)/ansible_collections/edgegrid/access
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.demo-installed
# The "3.13" of the default venv's Python, and the "2.21" of its ansible-core (empty before the venv exists).
VENV_PY_MINOR = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
VENV_CORE_MINOR = $(shell $(BIN)/python -c 'import ansible.release as r; print(".".join(r.__version__.split(".")[:2]))' 2>/dev/null)
MATRIX := $(shell sed -n 's/^\([0-9][0-9.]*\) .*/\1/p' tests/compat/matrix)
export ANSIBLE_COLLECTIONS_PATH := $(abspath $(BUILD))
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export ANSIBLE_NOCOLOR := 1
export NO_COLOR := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The emulator (tests/emulator) is installed editable; setuptools warns at each such install that a folder of its name
# in the working directory could shadow it, which is where it is meant to be.
PIP_INSTALL = PYTHONWARNINGS='ignore:Editable installation' $(1)/bin/python -m pip install --quiet

PORT ?= 8765
EDGERC ?= $(HOME)/.edgerc-emulator
STATE ?=

.PHONY: test test-suites checks venv demo-venv collection units emulator-tests integration integration-module-process \
	bad-inputs controller rotation compat environments chromium molecule examples awx sanity lint docs build emulator demo \
	clean

# `make test` runs its suites side by side, TEST_JOBS at a time (each suite starts its own emulators on ephemeral ports;
# the integration runs and the static checks work in copies of their own), and prints each suite's output whole, when
# it ends. TEST_JOBS=1 runs them one after the other. The longest start first: the matrix's lines (each a whole
# integration suite), then the rest by their length.
TEST_JOBS ?= 3
SUITES := $(addprefix compat-,$(MATRIX)) compat integration checks controller integration-module-process bad-inputs \
	rotation environments units molecule examples awx emulator-tests

test:
	@start=$$(date +%s) && $(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target test-suites && \
		echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

test-suites: $(SUITES)

# The static checks (ansible-doc and antsibull-docs, ansible-test sanity, ansible-lint) in a collection copy of their
# own (.build-checks), so that no file another suite writes in .build is taken for one of the collection's.
checks: venv
	@$(MAKE) --no-print-directory -j1 BUILD=.build-checks collection docs sanity lint

# The default venv: created with PYTHON, or the newest Python 3.11+ found.
$(VENV)/bin/python:
	@py=$$($(FIND_PYTHON) newest "$(PYTHON)") || { echo "make $(or $(MAKECMDGOALS),test): cannot create $(VENV)" >&2; exit 1; } && \
		echo "$(VENV): $$py" && $$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt requirements-dev.txt requirements-demo.txt tests/emulator/pyproject.toml $(VENV)/bin/python
	$(call PIP_INSTALL,$(VENV)) -r requirements-dev.txt
	@touch $(STAMP) $(DEMO_STAMP)

# What `make demo` needs only: ansible-core, the runtime requirements and the emulator (tests/emulator, a package
# installed editable: its sources are used where they are).
$(DEMO_STAMP): requirements.txt requirements-demo.txt tests/emulator/pyproject.toml $(VENV)/bin/python
	$(call PIP_INSTALL,$(VENV)) -r requirements-demo.txt
	@touch $(DEMO_STAMP)

venv: $(STAMP)

demo-venv: $(DEMO_STAMP)

# The collection where Ansible finds it: a copy of the files git knows (tracked or not ignored).
collection:
	@rm -rf $(COLL) && mkdir -p $(COLL)
	@git ls-files --cached --others --exclude-standard | while read -r f; do test -e "$$f" && echo "$$f"; done \
		| tar -cf - -T - | tar -xf - -C $(COLL)
	@# ansible-test finds its files through git: give the copy a repository of its own.
	@git -C $(COLL) init --quiet

units: venv collection
	cd $(COLL) && PYTHONPATH=$(abspath $(BUILD)) $(abspath $(BIN))/python -m pytest -q -p no:cacheprovider tests/unit

emulator-tests: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/emulator/tests

integration: venv collection
	$(BIN)/python tests/integration/run.py --collection $(COLL)

# The modules' targets with every module as a module process (edgegrid_access_in_process=false), as on a remote host.
# The roles' targets (role_*) run their modules through the same action plugins as the modules' targets: they are
# not run again this way.
MODULE_TARGETS = $(filter-out role_%,$(notdir $(wildcard tests/integration/targets/*)))
integration-module-process: venv collection
	$(BIN)/python tests/integration/run.py --collection $(COLL) --module-process $(MODULE_TARGETS)

# The table of bad inputs (tests/bad_inputs/cases.yml) in one ansible-playbook against a fresh emulator: each fails
# with a message naming the option and the problem, without a traceback, before any write request.
bad-inputs: venv collection
	$(BIN)/python tests/bad_inputs/run.py --collection $(COLL)

# The modules in Ansible's worker process and as module processes: same results, warnings and errors; and the
# fallback to module processes on an ansible-core the runner was not verified on.
controller: venv collection
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/controller

# The credential_rotation role as an operator runs it: ansible-playbook processes two at once, killed at every step
# boundary and inside the .edgerc write, each followed by a re-run that completes the rotation (about 2 minutes).
rotation: venv collection
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/rotation

# The inventory plugin and the access report against the emulator, the report's page in a headless Chromium (Debian's
# chromium, installed when absent; as root). The page's screenshots are kept in tests/output/environments/.
environments: venv collection chromium
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/environments

chromium:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "make environments: chromium is missing (as root: apt-get install chromium)" >&2; exit 1; fi; }

# The test matrix (tests/compat/matrix): for each ansible-core minor other than the default venv's, a venv of its
# own (.venv-<minor>) on a Python that minor supports, and there the controller tests and the integration tests.
# A Python the matrix needs and cannot find fails with a message saying which and how to get it.
.venv-%/.installed: tests/compat/requirements.txt requirements.txt tests/compat/matrix tests/emulator/pyproject.toml
	@py=$$($(FIND_PYTHON) core $*) || { echo "make compat: cannot create .venv-$*" >&2; exit 1; } && \
		echo ".venv-$*: ansible-core $*.* on $$py" && rm -rf .venv-$* && $$py -m venv .venv-$*
	.venv-$*/bin/python -m pip install --quiet --upgrade pip
	$(call PIP_INSTALL,.venv-$*) -r tests/compat/requirements.txt "ansible-core==$*.*"
	@touch $@

compat: $(addprefix compat-,$(MATRIX))
	@case " $(MATRIX) " in *" $(VENV_CORE_MINOR) "*) ;; *) \
		echo "make compat: the default venv has ansible-core $(VENV_CORE_MINOR), which is not in tests/compat/matrix" >&2; \
		exit 1 ;; esac

# One ansible-core minor of the matrix (the default venv's is tested by the other targets). Of the controller tests,
# those marked `roles` (key_provisioning's checks of its variables: Python filters that touch no ansible-core
# internal) run on the default venv only; the roles themselves run on every minor in the integration targets.
compat-%: venv collection
	@if [ "$*" = "$(VENV_CORE_MINOR)" ]; then \
		echo "compat: ansible-core $* is the default venv's (tested by the other targets)"; exit 0; fi; \
	$(MAKE) --no-print-directory .venv-$*/.installed || exit 1; \
	.venv-$*/bin/python -c 'import ansible.release as r, sys; print("ansible-core %s, Python %s" % (r.__version__, sys.version.split()[0]))'; \
	.venv-$*/bin/python -m pytest -q -p no:cacheprovider tests/controller -m 'not roles' || exit 1; \
	.venv-$*/bin/python -m pytest -q -p no:cacheprovider tests/environments -k 'not browser' || exit 1; \
	.venv-$*/bin/python tests/integration/run.py --collection $(COLL) || exit 1

# The Molecule scenarios of the roles (extensions/molecule: converge, idempotence, verify), each against a fresh emulator.
molecule: venv collection
	$(BIN)/python tests/molecule/run.py --collection $(COLL)

# The EXAMPLES of every module and lookup, run for real against a fresh emulator each (fixtures in tests/examples/fixtures/).
examples: venv collection
	$(BIN)/python tests/examples/run.py --collection $(COLL)

# ansible-test bootstraps pip in its sanity environments with a get-pip script from a host that only the
# package registries may be reachable instead of: tests/utils/get_pip.py takes its place in ansible-test's cache.
# Playbooks run through ansible-runner (AWX's job engine) with credentials injected as the documented
# credential types inject them, and ansible-builder create on execution-environment.yml.
awx: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/awx

sanity: venv collection
	@v=$$($(BIN)/python -c 'from ansible_test._internal.python_requirements import get_venv_packages as g; \
		import types; print(g(types.SimpleNamespace(version="$(VENV_PY_MINOR)"))["pip"].replace(".", "_"))') && \
		mkdir -p $(HOME)/.ansible/test/cache && \
		{ test -s $(HOME)/.ansible/test/cache/get_pip_$$v.py || cp tests/utils/get_pip.py $(HOME)/.ansible/test/cache/get_pip_$$v.py; }
	cd $(COLL) && PATH=$(abspath $(BIN)):$$PATH $(abspath $(BIN))/ansible-test sanity --color no \
		--python $(VENV_PY_MINOR) --requirements

lint: venv collection
	cd $(COLL) && PATH=$(abspath $(BIN)):$$PATH $(abspath $(BIN))/ansible-lint --offline

# ansible-doc of every plugin: the modules, and the plugins of the other types (lookup...) with -t; then antsibull-docs'
# linter, as for a docsite: the documentation of every plugin and role (schema, markup, references to plugins and
# options of this collection and of the others installed).
docs: venv collection
	@for m in $$(ls plugins/modules/*.py | xargs -n1 basename | sed 's/\.py$$//'); do \
		$(BIN)/ansible-doc edgegrid.access.$$m >/dev/null || { echo "ansible-doc edgegrid.access.$$m failed"; exit 1; }; \
		echo "ansible-doc edgegrid.access.$$m: ok"; \
	done
	@for p in $$(ls plugins/lookup/*.py | xargs -n1 basename | sed 's/\.py$$//; s/^/lookup:/') \
			$$(ls plugins/inventory/*.py | xargs -n1 basename | sed 's/\.py$$//; s/^/inventory:/') \
			$$(ls plugins/filter/*.yml | xargs -n1 basename | sed 's/\.yml$$//; s/^/filter:/'); do \
		$(BIN)/ansible-doc -t $${p%%:*} edgegrid.access.$${p#*:} >/dev/null \
			|| { echo "ansible-doc -t $${p%%:*} edgegrid.access.$${p#*:} failed"; exit 1; }; \
		echo "ansible-doc -t $${p%%:*} edgegrid.access.$${p#*:}: ok"; \
	done
	PATH=$(abspath $(BIN)):$$PATH $(BIN)/antsibull-docs lint-collection-docs --plugin-docs \
		--validate-collection-refs all --disallow-unknown-collection-refs $(COLL)

build: venv collection
	cd $(COLL) && $(abspath $(BIN))/ansible-galaxy collection build --force --output-path $(abspath $(BUILD))

# A local Akamai API emulator on 127.0.0.1:$(PORT); writes a matching .edgerc to $(EDGERC).
emulator: demo-venv
	$(BIN)/python -m akamai_emulator serve --port $(PORT) --edgerc $(EDGERC) \
		$(if $(STATE),--state $(STATE),)

# The README's first command: the emulator, key provisioning for staging and production, a rotation, and a
# second run that changes nothing; then a summary. The emulator stops at the end.
demo: demo-venv collection
	$(BIN)/python demo/run.py

clean:
	rm -rf $(BUILD) .build-checks tests/output .pytest_cache
	@# the venvs stay: `rm -rf .venv .venv-*` makes them anew
