"""`deconv explore`: one self-contained HTML page where any transposed convolution can be set by
hand and is computed as PyTorch computes it (core/explorer/: its HTML, CSS and JavaScript, inlined
here), with the article's trained decoder and the project's palette embedded when the page is written.
The page makes no request to any host: it opens from file:// on a USB stick."""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources
from pathlib import Path

from core import explain, files, palette, story, weights

GENERATOR = '<meta name="generator" content="deconv explore">'  # marks a page this module wrote
DEFAULT_OUT = Path("media/explorer.html")
# the largest values the page draws (sizes beyond them would not be readable at 1280x720); its own
# fields say so beside the field
LIMITS = {"size": 12, "kernel": 7, "stride": 6, "padding": 8, "output_padding": 5, "dilation": 4,
          "channels": 3}


class ForeignPage(Exception):
    """The output path holds a file that `deconv explore` did not write."""


def page_data(checkpoints: str | Path = weights.DEFAULT_DIR, theme: str = "dark") -> dict:
    """What the page embeds: both themes' colours (core.palette), the size limits, and the article's
    trained decoder (plain, seed 22) on the code of the example curve, shaped as
    torch.nn.functional.conv_transpose1d takes them (no batch axis)."""
    ck = weights.load_checkpoint("plain", 22, checkpoints)
    index, curve = story.demo_curve()
    bd = explain.article(ck, curve)
    return {
        "palette": {name: asdict(p) for name, p in palette.THEMES.items()},
        "theme": theme,
        "limits": LIMITS,
        "article": {
            "input": bd.x.tolist(), "weight": bd.weight.tolist(),
            "bias": [float(v) for v in bd.bias], "stride": int(bd.stride[0]),
            "about": f"plain, seed {ck.seed}, on dataset curve {index}",
        },
    }


def build(data: dict) -> str:
    """The page: explorer.html with its CSS, JavaScript and `data` inlined."""
    src = resources.files("core") / "explorer"
    html = (src / "explorer.html").read_text(encoding="utf-8")
    css = (src / "explorer.css").read_text(encoding="utf-8")
    js = (src / "explorer.js").read_text(encoding="utf-8")
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")  # never closes the script
    page = html.replace("/*STYLE*/", css).replace("/*DATA*/", blob).replace("/*SCRIPT*/", js)
    return page.replace("<head>", "<head>\n" + GENERATOR, 1)


def write(out: str | Path = DEFAULT_OUT, force: bool = False, theme: str = "dark",
          checkpoints: str | Path = weights.DEFAULT_DIR) -> Path:
    """Write the page to `out` atomically. A file there that this command did not write is kept
    unless `force` (ForeignPage)."""
    out = Path(out)
    if out.exists() and not force:
        head = out.read_bytes()[:4096].decode("utf-8", "replace")
        if GENERATOR not in head:
            raise ForeignPage(f"{out}: not a page deconv explore wrote; choose another --out, or --force "
                              "to replace it")
    page = build(page_data(checkpoints, theme))
    out.parent.mkdir(parents=True, exist_ok=True)
    files.atomic_write_bytes(out, page.encode("utf-8"))
    return out
