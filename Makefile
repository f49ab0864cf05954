# edgegrid.access: build, test and try the collection.
# `make test` is the one test command (CI runs it through .ci/run). It needs only Python 3.11.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
BUILD := .build
COLL := $(BUILD)/ansible_collections/edgegrid/access
STAMP := $(VENV)/.installed
export ANSIBLE_COLLECTIONS_PATH := $(abspath $(BUILD))
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export ANSIBLE_NOCOLOR := 1
export NO_COLOR := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

PORT ?= 8765
EDGERC ?= $(HOME)/.edgerc-emulator
STATE ?=

.PHONY: test venv collection units emulator-tests integration controller compat molecule examples awx sanity lint docs build emulator demo clean

test: venv collection units emulator-tests integration controller compat molecule examples awx docs sanity lint
	@echo "make test: all checks passed"

$(STAMP): requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make test needs $(PYTHON) on PATH"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

venv: $(STAMP)

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

# The modules in Ansible's worker process and as module processes: same results, warnings and errors.
controller: venv collection
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/controller

# The oldest supported ansible-core (2.18), in a venv of its own: the controller tests and the integration tests.
VENV_COMPAT := .venv-2.18
$(VENV_COMPAT)/.installed: tests/compat/requirements-2.18.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make compat needs $(PYTHON) on PATH"; exit 1; }
	@test -x $(VENV_COMPAT)/bin/python || $(PYTHON) -m venv $(VENV_COMPAT)
	$(VENV_COMPAT)/bin/python -m pip install --quiet -r tests/compat/requirements-2.18.txt
	@touch $@

compat: collection $(VENV_COMPAT)/.installed
	$(VENV_COMPAT)/bin/ansible --version | head -1
	$(VENV_COMPAT)/bin/python -m pytest -q -p no:cacheprovider tests/controller
	$(VENV_COMPAT)/bin/python tests/integration/run.py --collection $(COLL)

# The Molecule scenarios of the roles (extensions/molecule: converge, idempotence, verify), each against a fresh emulator.
molecule: venv collection
	$(BIN)/python tests/molecule/run.py --collection $(COLL)

# The EXAMPLES of every module, run for real against a fresh emulator each (fixtures in tests/examples/fixtures/).
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
		import types; print(g(types.SimpleNamespace(version="3.11"))["pip"].replace(".", "_"))') && \
		mkdir -p $(HOME)/.ansible/test/cache && \
		{ test -s $(HOME)/.ansible/test/cache/get_pip_$$v.py || cp tests/utils/get_pip.py $(HOME)/.ansible/test/cache/get_pip_$$v.py; }
	cd $(COLL) && PATH=$(abspath $(BIN)):$$PATH $(abspath $(BIN))/ansible-test sanity --color no --python 3.11 --requirements

lint: venv collection
	cd $(COLL) && PATH=$(abspath $(BIN)):$$PATH $(abspath $(BIN))/ansible-lint --offline

docs: venv collection
	@for m in $$(ls plugins/modules/*.py | xargs -n1 basename | sed 's/\.py$$//'); do \
		$(BIN)/ansible-doc edgegrid.access.$$m >/dev/null || { echo "ansible-doc edgegrid.access.$$m failed"; exit 1; }; \
		echo "ansible-doc edgegrid.access.$$m: ok"; \
	done

build: venv collection
	cd $(COLL) && $(abspath $(BIN))/ansible-galaxy collection build --force --output-path $(abspath $(BUILD))

# A local Akamai API emulator on 127.0.0.1:$(PORT); writes a matching .edgerc to $(EDGERC).
emulator: venv
	PYTHONPATH=tests/emulator $(BIN)/python -m akamai_emulator serve --port $(PORT) --edgerc $(EDGERC) \
		$(if $(STATE),--state $(STATE),)

# The README's first command: the emulator, key provisioning for staging and production, a rotation, and a
# second run that changes nothing; then a summary. The emulator stops at the end.
demo: venv collection
	$(BIN)/python demo/run.py

clean:
	rm -rf $(BUILD) tests/output .pytest_cache
