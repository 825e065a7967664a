# deconv-explained: `make help` lists the targets.
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch is installed first, pinned to a CPU build that these machines carry on disk; with a GPU,
# e.g. `make setup TORCH='torch'` (any torch >= 2.1 works)
TORCH ?= torch==2.13.0
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
SCENE_QUALITY ?= h
.PHONY: help setup run test lint bench train info preview clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: $(STAMP) ## install system libraries (apt), a virtual environment in .venv, and the project

$(STAMP): pyproject.toml Makefile
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if ! $(PY) -c 'import ensurepip' >/dev/null 2>&1; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q "$(TORCH)"
	$(BIN)/pip install -q -e ".[dev]"
	@touch $(STAMP)

run: $(STAMP) ## the main job: render the decoder video at 1080p60 into media/videos/decoder/
	$(BIN)/manim -qh scenes/decoder.py

test: $(STAMP) ## run the whole test suite
	$(BIN)/python -m pytest -q

lint: $(STAMP) ## ruff
	$(BIN)/ruff check core scenes tests

bench: $(STAMP) ## trainer vs the article's loop; scene render vs a trivial scene (SCENE_QUALITY=l|m|h)
	$(BIN)/python -m core.bench
	$(BIN)/python -m scenes.bench --quality $(SCENE_QUALITY)

train: $(STAMP) ## retrain every shipped checkpoint (4 variants x 10 seeds x 5000 epochs)
	$(BIN)/deconv train

info: $(STAMP) ## describe the checkpoints in checkpoints/
	$(BIN)/deconv info

preview: $(STAMP) ## re-make the still the README shows (media/decoder.png)
	$(BIN)/manim -qm -s --media_dir /tmp/deconv-preview scenes/decoder.py
	cp /tmp/deconv-preview/images/decoder/DecoderScene*.png media/decoder.png

clean: ## remove the virtual environment, caches and renders (keeps checkpoints)
	rm -rf $(VENV) .pytest_cache .ruff_cache media/videos media/images media/texts media/Tex
