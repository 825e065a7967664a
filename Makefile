# deconv-explained: `make help` lists the targets.
SHELL := /bin/bash
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# torch is installed first, pinned to a CPU build that these machines carry on disk; with a GPU,
# e.g. `make setup TORCH='torch'` (any torch >= 2.1 works)
TORCH ?= torch==2.13.0
# what rendering needs (make run, make videos): Cairo and Pango to build Manim's bindings, and
# DECONV_VOICE=espeak's small robotic voice (the default voice, Piper, comes from PyPI)
APT_PACKAGES := libcairo2-dev libpango1.0-dev pkg-config espeak-ng
# what only the decks and the tests need, installed the first time one of them runs (make slides,
# make test, make test-fast, make lint, make bench, make setup): `manim-slides present` (Qt 6: video
# through PulseAudio's client library, windows through xcb), the tests' headless Chromium that opens
# the HTML decks, and npm, which fetches the reveal.js the HTML decks inline
TOOLS_APT := libpulse0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0 \
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 \
  libxcb-randr0 libxcb-xinerama0 chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP := $(VENV)/.installed
TOOLS := $(VENV)/.installed-tools
# apt-get install of the packages in $(1) that are missing, saying what and about how long
define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages ($(2)):$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

.DEFAULT_GOAL := help
FIGURE_PREVIEWS := media/figures/F4_training_loss.png media/figures/F14_ablation.png \
  media/figures/F22_overlap_tapered.png media/figures/C11_relu_code_noise.png
SCENE_QUALITY ?= h
.PHONY: help setup run test test-fast lint bench train info preview figures videos slides clean

# `make videos`: every explainer with --save_sections, then media/index.html. QUALITY=l|m|h|p|k;
# DECONV_THEME=light renders into media/light/ (its own index). Up-to-date videos are not re-rendered.
# The explainers and Manim's folder per quality come from core/explainers.py (the one list; it
# needs only the standard library, so the system $(PY) reads it before the venv exists).
QUALITY ?= h
EXPLAINERS := $(shell $(PY) -m core.explainers --make)
QDIR := $(shell $(PY) -m core.explainers --folder '$(QUALITY)' 2>/dev/null)
MEDIA := media$(if $(filter light,$(DECONV_THEME)),/light)
EXPLORE_THEME := $(if $(filter light,$(DECONV_THEME)),--theme light)  # the explorer page opens in the same theme
split = $(word $(2),$(subst :, ,$(1)))
SCENE_FILES := $(foreach e,$(EXPLAINERS),scenes/$(call split,$(e),1).py)
# the model and voice a render reads from the environment (DECONV_THEME picks the media folder): when
# `make videos` runs, the stamp is rewritten if the choice changed, and then every video is rendered
SCENE_ENV := $(DECONV_VARIANT)|$(DECONV_SEED)|$(DECONV_CHECKPOINTS)|$(DECONV_VOICE)|$(DECONV_VOICE_DIR)
ENV_STAMP := $(MEDIA)/.scene-env
ifneq ($(filter videos,$(MAKECMDGOALS)),)
_ := $(shell mkdir -p $(MEDIA) && [ "$$(cat $(ENV_STAMP) 2>/dev/null)" = '$(SCENE_ENV)' ] || \
  printf '%s\n' '$(SCENE_ENV)' > $(ENV_STAMP))
endif
# what the scenes read besides their own file: a change elsewhere in core/ (the trainer, the
# figures, the CLI) re-renders nothing; a change to one explainer's file re-renders that one; with
# DECONV_VOICE=recorded, a new or re-recorded take in DECONV_VOICE_DIR re-renders them all
SCENE_DEPS := $(filter-out scenes/bench.py scenes/script.py $(SCENE_FILES),$(wildcard scenes/*.py)) \
  $(wildcard core/data.py core/weights.py core/analysis.py core/overlap.py core/palette.py \
    core/story.py core/conv.py core/explain.py core/subtitles.py core/explainers.py core/audio.py \
    core/speech.py \
    $(or $(DECONV_CHECKPOINTS),checkpoints)/manifest.json $(ENV_STAMP)) \
  $(if $(filter recorded,$(DECONV_VOICE)),$(wildcard $(DECONV_VOICE_DIR)/*.wav $(DECONV_VOICE_DIR)/*.WAV))
# a render counts once Manim has finished it: the target is a marker written after Manim exits with
# success (a Manim killed while it combines the video leaves a truncated .mp4 and no marker)
video = $(MEDIA)/videos/$(1)/$(QDIR)/.$(2).complete
define video_rule
$(call video,$(1),$(2)): scenes/$(1).py $(SCENE_DEPS) | $(STAMP) check-quality
	rm -f $$@
	$(BIN)/manim -q$(QUALITY) --save_sections --media_dir $(MEDIA) scenes/$(1).py
	touch $$@
endef
$(foreach e,$(EXPLAINERS),$(eval $(call video_rule,$(call split,$(e),1),$(call split,$(e),2))))
VIDEOS := $(foreach e,$(EXPLAINERS),$(call video,$(call split,$(e),1),$(call split,$(e),2)))

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

setup: $(STAMP) $(TOOLS) ## install everything: system libraries (apt), .venv, the project, deck and test tools

$(STAMP): pyproject.toml Makefile
	$(call apt_install,$(APT_PACKAGES) $(if $(shell $(PY) -c 'import ensurepip' 2>/dev/null && echo y),,python3-venv),about a minute)
	@echo "making the virtual environment in $(VENV), with torch (CPU) and what rendering and the voice need (about 2 minutes: Manim's Cairo and Pango bindings build from source)"
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q "$(TORCH)"
	$(BIN)/pip install -q -e ".[voice]"
	@touch $(STAMP)

$(TOOLS): $(STAMP)
	$(call apt_install,$(TOOLS_APT) $(if $(shell command -v npm),,npm),the decks and the tests; about 2 minutes)
	@echo "installing the deck tools (manim-slides, Qt) and the test tools (about a minute)"
	$(BIN)/pip install -q -e ".[dev,voice,slides]"
	$(BIN)/python -m core.revealjs --fetch
	@touch $(TOOLS)

run: $(STAMP) ## the main job: render the decoder video, narrated, at 1080p60 into media/videos/decoder/
	@echo "rendering the decoder explainer, narrated, at 1080p60 (3 to 5 minutes on 2 cores, the voice's first synthesis of its sentences included; Manim shows each animation's progress)"
	$(BIN)/manim -qh scenes/decoder.py

test: $(TOOLS) ## run the whole test suite (each explainer rendered once, at -ql), on 2 workers
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

test-fast: $(TOOLS) ## the tests that render nothing: the edit-test loop
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -m "not render"

lint: $(TOOLS) ## ruff
	$(BIN)/ruff check core scenes tests

bench: $(TOOLS) ## trainer vs the article's loop; renders vs a trivial scene; the narration (SCENE_QUALITY=l|m|h)
	$(BIN)/python -m core.bench
	$(BIN)/python -m scenes.bench --quality $(SCENE_QUALITY)

train: $(STAMP) ## retrain every shipped checkpoint (5 variants x 10 seeds x 5000 epochs)
	$(BIN)/deconv train

info: $(STAMP) ## describe the checkpoints in checkpoints/
	$(BIN)/deconv info

preview: $(STAMP) ## re-make the still and the figures the README shows
	$(BIN)/manim -qm -s --media_dir /tmp/deconv-preview scenes/decoder.py
	cp /tmp/deconv-preview/images/decoder/DecoderScene*.png media/decoder.png
	$(BIN)/deconv figures --only F4 F14 F22 C11 --format png --force  # the committed previews are ours

figures: $(STAMP) ## draw every figure of the article into media/figures/ (PNG + SVG)
	$(BIN)/deconv figures

# CAPTIONS=1 make videos: also a copy of each video with its subtitles burned in (VIDEO.captioned.mp4)
videos: check-quality $(VIDEOS) ## render all six explainers with sections + media/index.html (QUALITY=l for fast)
	$(BIN)/deconv explore --out $(MEDIA)/explorer.html $(EXPLORE_THEME)
	$(BIN)/deconv index --media $(MEDIA) --quality $(QUALITY)
ifeq ($(CAPTIONS),1)
	$(foreach e,$(EXPLAINERS),$(BIN)/deconv clip $(MEDIA)/videos/$(call split,$(e),1)/$(QDIR)/$(call split,$(e),2).mp4 --burn-captions --force --no-progress &&) true
endif

# `make slides`: the decks of every explainer (manim-slides, one HTML file each that plays offline, a
# .pptx each, all.html) into $(MEDIA)/slides/, from the renders of QUALITY; renders what is missing first,
# then rewrites $(MEDIA)/index.html, which links the decks
slides: $(TOOLS) check-quality $(VIDEOS) ## talk decks from the videos: manim-slides, offline HTML, PowerPoint (QUALITY=l for fast)
	$(BIN)/deconv slides --media $(MEDIA) --quality $(QUALITY)
	$(BIN)/deconv explore --out $(MEDIA)/explorer.html $(EXPLORE_THEME)
	$(BIN)/deconv index --media $(MEDIA) --quality $(QUALITY)

# `+`: runs under `make -n` too, so a bad QUALITY stops a dry run as well (core.explainers words it)
.PHONY: check-quality
check-quality:
	+@[ -n "$(EXPLAINERS)" ] || \
	  { echo "make: $(PY) -m core.explainers --make listed no explainers" >&2; exit 2; }
	+@[ -n "$(QDIR)" ] || { printf 'make: ' >&2; $(PY) -m core.explainers --folder '$(QUALITY)' >/dev/null; exit 2; }

clean: ## remove the virtual environment, caches and renders (keeps checkpoints)
	rm -rf $(VENV) .pytest_cache .ruff_cache media/videos media/images media/texts media/Tex \
	  media/light media/index.html media/slides media/voice
	rm -f $(filter-out $(FIGURE_PREVIEWS),$(wildcard media/figures/*))
