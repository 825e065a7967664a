import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core import data, subtitles


@pytest.fixture(scope="session")
def curves_and_params():
    return data.make_curves()


@pytest.fixture(scope="session")
def patches(curves_and_params):
    return data.make_patches(curves_and_params[0])


@pytest.fixture(scope="session")
def small_patches(patches):
    """A 1,000-patch slice: enough for trainer tests, fast on 2 cores."""
    return np.ascontiguousarray(patches[:1000])


@pytest.fixture(scope="session")
def trained_dir(tmp_path_factory, small_patches):
    """A checkpoint folder written by the real trainer and exporter (2 variants x 2 seeds)."""
    from core import train

    cfg = train.TrainConfig(variants=("plain", "code-noise"), seeds=(11, 22), epochs=3)
    result = train.train(cfg, "cpu", progress=False, patches=small_patches)
    out = tmp_path_factory.mktemp("ck")
    train.export(result, out)
    return out


def render_fast(scene_cls, media_dir):
    """Run a real scene with its animations fast-forwarded (as `manim -s` does), writing no
    video; the scene's mobjects can then be read."""
    from manim import tempconfig

    with tempconfig({"media_dir": str(media_dir), "quality": "low_quality", "save_last_frame": True,
                     "write_to_movie": False, "progress_bar": "none", "verbosity": "ERROR"}):
        scene = scene_cls()
        scene.render()
    return scene


ROOT = Path(__file__).resolve().parent.parent


def manim(*args, env=None, timeout=600):
    """The manim command as a user runs it, from the repo root, with standard input closed."""
    return subprocess.run([sys.executable, "-m", "manim", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def render_sections(module, scene_name, media_dir):
    """Render scenes/<module>.py tiny and fast with --save_sections; returns (output folder,
    the section list manim wrote)."""
    res = manim("render", "-ql", "-r", "256,144", "--fps", "4", "--save_sections", "--media_dir",
                media_dir, f"scenes/{module}.py")
    assert res.returncode == 0, res.stderr[-2000:]
    out = Path(media_dir) / "videos" / module / "144p4"
    return out, json.loads((out / "sections" / f"{scene_name}.json").read_text())


def check_subtitles(out: Path, scene: str) -> list:
    """The render's .srt (beside the video) is valid, captions every section for at least 80% of
    its time, in order, without overlaps, in readable cues; returns the cues."""
    cues = subtitles.read_srt(out / f"{scene}.srt")
    spans = subtitles.read_sections(out / "sections" / f"{scene}.json")
    assert subtitles.uncaptioned(cues, spans, 0.8) == []
    for a, b in zip(cues, cues[1:]):
        assert b.start >= a.end - 1e-9, (a, b)
    for c in cues:
        lines = c.text.splitlines()
        assert len(lines) <= 2 and len(c.text) <= 95, c
        assert c.end - c.start >= 1.25, c  # 1.5 s as written; the test render has 4 frames a second
    assert cues[-1].end <= spans[-1].end + 0.01
    return cues


def cues_in(cues, spans, name):
    span = next(s for s in spans if s.name == name)
    return " ".join(c.text.replace("\n", " ") for c in cues if span.start <= c.start < span.end)
