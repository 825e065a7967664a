"""`deconv figures` on the command line: every id written as PNG and SVG, --only and --list, fonts
publishers accept, and hints that train into the folder the figures read."""

import re

import numpy as np
import pytest
from conftest import assert_usage_error, deconv, deconv_here
from PIL import Image

from core import weights

# --- figures on the command line -------------------------------------------------------------------
# F11 is an animation, not a figure: the noise video's noise-idea section
# the article's figures (F11 is an animation) and C11, the figure of the claim the article left unmeasured
ARTICLE_FIGURES = [f"F{k}" for k in range(1, 23) if k != 11] + ["C11"]


@pytest.mark.render
def test_figures_every_id(tmp_path):
    """`deconv figures` writes every figure of the article once, as a PNG and an SVG: the one test that
    writes them all (the figure modules' tests read the drawn artists back). Drawing all 22 takes
    about 20 s, so it runs with the renders, not in make test-fast."""
    res = deconv("figures", "--out", tmp_path, "--no-progress")
    assert res.returncode == 0, res.stderr
    n = len(ARTICLE_FIGURES)
    assert f"wrote {n} figures ({2 * n} files)" in res.stdout  # a PNG and an SVG each
    pngs = sorted(tmp_path.glob("*.png"))
    assert sorted(p.name.split("_")[0] for p in pngs) == sorted(ARTICLE_FIGURES)
    for p in pngs:
        svg = p.with_suffix(".svg")
        assert svg.stat().st_size > 1000 and b"<svg" in svg.read_bytes()[:2000], svg.name
        img = np.asarray(Image.open(p).convert("L"), dtype=float)
        assert min(img.shape) > 300 and img.std() > 10, p.name  # decodes, and is not blank
        assert (img < 128).mean() > 0.005, p.name  # some dark ink: text, axes, lines


def test_figure_pdfs_embed_truetype_fonts_and_svgs_keep_text(tmp_path, capsys):
    """Publishers' PDF checks reject Type 3 fonts: the PDF embeds TrueType (FontFile2), the SVG keeps
    its words as <text>."""
    res = deconv_here(capsys, "figures", "--only", "F14", "--out", tmp_path, "--format", "pdf", "svg",
                      "--no-progress")
    assert res.returncode == 0, res.stderr
    pdf = (tmp_path / "F14_ablation.pdf").read_bytes()
    assert b"/Type3" not in pdf and b"/FontFile2" in pdf
    assert b"<text" in (tmp_path / "F14_ablation.svg").read_bytes()


def test_figures_only_and_list(tmp_path, capsys):
    res = deconv_here(capsys, "figures", "--only", "f4", "--out", tmp_path, "--format", "png",
                      "--no-progress")
    assert res.returncode == 0, res.stderr
    # and, hidden, the record of what deconv figures wrote there and the folder's writer lock
    assert sorted(p.name for p in tmp_path.iterdir()) == [".deconv-figures", ".deconv.lock",
                                                          "F4_training_loss.png"]
    listed = deconv_here(capsys, "figures", "--list").stdout.split()
    assert [w for w in listed if re.fullmatch(r"[FC]\d+", w)] == ARTICLE_FIGURES
    assert_usage_error(deconv_here(capsys, "figures", "--only", "F11", "F99"), "unknown figure id F11, F99")
    assert_usage_error(deconv_here(capsys, "figures", "--checkpoints", tmp_path / "none", "--out", tmp_path),
                   "none")



def test_figures_hint_trains_into_the_folder_it_read(tmp_path, capsys):
    folder = tmp_path / "my ck"
    (folder / "plain").mkdir(parents=True)
    src = weights.DEFAULT_DIR / "plain" / "seed_22.safetensors"
    (folder / "plain" / "seed_22.safetensors").write_bytes(src.read_bytes())
    weights.update_manifest(folder, [folder / "plain" / "seed_22.safetensors"])
    res = deconv_here(capsys, "figures", "--checkpoints", folder, "--only", "F4", "--out", tmp_path / "f")
    assert_usage_error(res, f"deconv train --variants code-noise --out '{folder}'")




def test_figures_replace_only_their_own_files(tmp_path, capsys):
    """A figure file deconv figures did not write, or that changed since (a hand-edited SVG), is
    replaced only with --force, and the refusal names it before anything is written; its own unchanged
    files are replaced freely; a file already holding exactly what the run draws is in no one's way (the
    previews the repository ships, which have no record)."""
    args = ("figures", "--only", "F17", "--format", "png", "svg", "--no-progress")
    mine = tmp_path / "mine"
    assert deconv_here(capsys, *args, "--out", mine).returncode == 0
    assert deconv_here(capsys, *args, "--out", mine).returncode == 0  # its own: again, without --force
    svg, png = mine / "F17_similar_points.svg", mine / "F17_similar_points.png"
    drawn_svg, drawn_png = svg.read_bytes(), png.read_bytes()
    svg.write_bytes(drawn_svg.replace(b"</svg>", b"<!-- my note --></svg>"))
    png.write_bytes(b"my own plot")
    res = deconv_here(capsys, *args, "--out", mine)
    assert_usage_error(res, "F17_similar_points.png, F17_similar_points.svg not written by deconv figures",
                       "move them away", "--force")
    assert b"my note" in svg.read_bytes() and png.read_bytes() == b"my own plot"
    assert deconv_here(capsys, *args, "--out", mine, "--force").returncode == 0
    assert (svg.read_bytes(), png.read_bytes()) == (drawn_svg, drawn_png)
    shipped = tmp_path / "shipped"  # the same bytes, and no record of them
    shipped.mkdir()
    (shipped / png.name).write_bytes(drawn_png)
    assert deconv_here(capsys, *args, "--out", shipped).returncode == 0
    assert (shipped / png.name).read_bytes() == drawn_png
