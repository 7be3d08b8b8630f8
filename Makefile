# The two commands of the README:  make demo   and   make test
# Everything they need is installed here: Debian packages (when missing), a venv, the Python packages.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
DEBS    = libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libcairo2 libzbar0 fonts-dejavu-core poppler-utils chromium
# The storage tests also run on a throwaway PostgreSQL server of this package (tests/pg.py).
TEST_DEBS = postgresql
JOBS   ?= 2

.PHONY: demo test lint messages bench system-deps test-deps venv clean

demo: $(BIN)/cagettes
	$(BIN)/cagettes demo output/demo

test: $(BIN)/cagettes test-deps
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup -q

lint: $(BIN)/cagettes
	$(BIN)/ruff check .
	MYPY=$(BIN)/mypy .ci/typecheck

# After changing a marked sentence (N_, _ or a template's trans): brings every .po file in step,
# then lists what still waits for a translator. tests/test_i18n.py fails until that list is empty.
messages: $(BIN)/cagettes
	$(BIN)/python tools/messages.py

bench: $(BIN)/cagettes
	$(BIN)/python bench/print_month.py --members 1000

# $(call install-missing,PACKAGES): apt-get install those not installed yet.
define install-missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installation des paquets Debian manquants :$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

system-deps:
	$(call install-missing,$(DEBS))

test-deps:
	$(call install-missing,$(TEST_DEBS))

$(BIN)/cagettes: pyproject.toml | system-deps
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf $(VENV) output
