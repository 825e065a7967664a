"""The overlap video, rendered once: its curves, numbers and subtitles are core.overlap's and
core.story's, computed from the checkpoint."""

import os

import numpy as np
from conftest import assert_usage_error, check_render, manim, render_fixture

from core import data, story, weights
from core import overlap as ov

SECTIONS = ["assemble", "why", "halve", "taper", "normalise", "in-2-d"]


render = render_fixture("overlap")


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 40, 120)


def test_curves_drawn_are_the_assembled_model_with_each_fix(render, plain):
    curve = story.demo_curve()[1]
    outputs = story.fixed_outputs(plain, curve)
    codes = plain.encode_windows(curve)
    np.testing.assert_allclose(render.values("assemble", "output"), outputs["raw"], atol=1e-9)
    np.testing.assert_allclose(outputs["raw"], plain.decode_windows(codes), atol=1e-12)
    for w in range(3):
        np.testing.assert_allclose(
            render.values("assemble", f"window {w + 1}"), codes[:, w] @ plain.dec_w, atol=1e-9
        )
    for section, fix in (("halve", "halved"), ("taper", "tapered"), ("normalise", "normalised")):
        np.testing.assert_allclose(render.values(section, "output"), outputs[fix], atol=1e-9)
    for section, fix in (("halve", "halved"), ("taper", "tapered")):
        for i in range(3):
            np.testing.assert_allclose(
                render.values(section, f"filter {i + 1}"), plain.dec_w[i] * ov.FIXES[fix], atol=1e-9
            )


def test_subtitles_follow_the_error_table(render, plain):
    errors = {f: ov.errors(plain, data.make_curves()[0], f) for f in ov.FIXES}
    for section, fix in (("halve", "halved"), ("taper", "tapered")):
        before, after = errors["raw"], errors[fix]
        said = render.said(section)
        assert f"from {before['interior']:.1e} to {after['interior']:.1e}" in said
        assert f"from {before['borders']:.1e} to {after['borders']:.1e}" in said
    table = ov.error_table(weights.load_all(variant="plain"), data.make_curves()[0])
    best = min(table, key=lambda f: table[f]["whole"])
    assert best == "normalised" and f"Best: {best}" in render.said("normalise")
    assert f"{table['tapered']['whole']:.1e} tapered" in render.said("normalise")
    assert "Samples 4-6 and 8-10 get two windows" in render.said("why")
    assert "every inside pixel gets 4 windows" in render.said("in-2-d")  # kernel 4, stride 2


def test_unknown_theme_stops_the_render_with_one_line(tmp_path):
    env = {**os.environ, "DECONV_THEME": "sepia"}
    res = manim("render", "-ql", "-s", "--media_dir", tmp_path, "scenes/overlap.py", env=env)
    assert_usage_error(res, "DECONV_THEME='sepia': choose one of dark, light")


def test_a_folder_missing_a_plain_seed_stops_before_the_first_animation(tmp_path):
    """The overlap video reads every plain seed (its error table) as it starts, not in its fifth
    section: a manifest that lists a missing file stops it with one line, nothing rendered."""
    folder = tmp_path / "ck"
    (folder / "plain").mkdir(parents=True)
    for seed in (11, 22):
        name = f"seed_{seed}.safetensors"
        (folder / "plain" / name).write_bytes((weights.DEFAULT_DIR / "plain" / name).read_bytes())
    weights.update_manifest(folder, [folder / "plain" / f"seed_{s}.safetensors" for s in (11, 22)])
    (folder / "plain" / "seed_11.safetensors").unlink()
    env = {**os.environ, "DECONV_CHECKPOINTS": str(folder)}
    res = manim("render", "-ql", "--media_dir", tmp_path / "media", "scenes/overlap.py", env=env)
    assert_usage_error(res, "seed_11.safetensors: file is missing")
    assert not list((tmp_path / "media").rglob("*.mp4"))
