"""The design's one-way data flow: scenes never import torch; core never imports manim."""

import subprocess
import sys

from conftest import ROOT


def imported_after(code: str) -> set[str]:
    res = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return {m.split(".")[0] for m in res.stdout.split()}


def test_scenes_never_import_torch():
    mods = imported_after("import scenes.decoder, scenes.encoder, scenes.noise, scenes.overlap")
    assert "manim" in mods and "torch" not in mods


def test_figures_and_media_tools_import_neither_torch_nor_manim():
    mods = imported_after("from core import figures, clip, videos, subtitles, palette, cli\n"
                          "figures.specs()")
    assert "matplotlib" in mods
    assert "torch" not in mods and "manim" not in mods
