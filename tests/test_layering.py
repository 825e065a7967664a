"""The design's one-way data flow: scenes never import torch; core never imports manim."""

import subprocess
import sys

from conftest import ROOT


def imported_after(code: str) -> set[str]:
    """The top-level packages imported by a fresh Python once it has run `code`."""
    res = subprocess.run([sys.executable, "-c", f"{code}\nimport sys\nprint('\\n' + ' '.join(sys.modules))"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    return {m.split(".")[0] for m in res.stdout.splitlines()[-1].split()}  # the last line: after any output


def test_scenes_never_import_torch():
    mods = imported_after("import scenes.decoder, scenes.encoder, scenes.transposed, scenes.code_noise, "
                          "scenes.input_noise, scenes.overlap")
    assert "manim" in mods and "torch" not in mods


def test_figures_and_media_tools_import_neither_torch_nor_manim():
    mods = imported_after("from core import figures, clip, videos, subtitles, palette, cli\n"
                          "figures.specs()")
    assert "matplotlib" in mods
    assert "torch" not in mods and "manim" not in mods


def test_cli_commands_other_than_train_never_import_torch(tmp_path):
    """`deconv info`, `data`, `figures --list`, `index`, `clip`, `slides`, `narration`, `explain` and
    `explore` run (parser and command) without loading torch (`explain` without manim and the scenes
    too); only `train` and `import-article` may, inside their command functions."""
    (tmp_path / "media" / "videos").mkdir(parents=True)
    runs = [(["info"], 0), (["data", "--n", "5", "--out", tmp_path / "c.npy"], 0),
            (["figures", "--list"], 0), (["index", "--media", tmp_path / "media"], 0),
            (["clip", tmp_path / "none.mp4", "--gif"], 2),  # no such video: one-line error
            (["slides", "--media", tmp_path / "media"], 2),  # nothing rendered: one-line error
            (["narration", "nope"], 2),  # not an explainer: one-line error (the storyboard runs apart)
            (["explain"], 0), (["explain", "--kernel", "3x3", "--json"], 0), (["explain", "--article"], 0),
            (["explore", "--out", tmp_path / "explorer.html"], 0)]
    code = "\n".join(f"assert cli.main({list(map(str, args))!r}) == {rc}" for args, rc in runs)
    mods = imported_after(f"from core import cli\n{code}")
    assert "numpy" in mods and "torch" not in mods and "manim" not in mods and "scenes" not in mods
    assert (tmp_path / "c.npy").is_file() and (tmp_path / "media" / "index.html").is_file()
    assert (tmp_path / "explorer.html").is_file()


def test_the_explainer_list_needs_only_the_standard_library():
    """The Makefile reads core/explainers.py with the system python3, before the venv exists:
    -S leaves out site-packages (numpy and all)."""
    res = subprocess.run([sys.executable, "-S", "-m", "core.explainers", "--make"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["encoder:EncoderScene", "decoder:DecoderScene",
                                  "transposed:TransposedScene", "overlap:OverlapScene",
                                  "code_noise:CodeNoiseScene", "input_noise:InputNoiseScene"]
