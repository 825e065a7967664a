"""The decoder video, rendered once as users render it: its sections, subtitles and drawn curves are
the checkpoint's maths (core.story); the pictures it is made of draw what they are given."""

import os

import numpy as np
import pytest
from conftest import assert_usage_error, check_render, manim, render_fixture

from core import story
from core.subtitles import fmt
from scenes import models
from scenes import pictures as pic

SECTIONS = ["weighted-sum", "one-component-sweeps", "all-components", "transposed-convolution"]


def weighted_sum(ck, code):
    """output = c1*f1 + c2*f2 + c3*f3 + b, written out."""
    return code[0] * ck.dec_w[0] + code[1] * ck.dec_w[1] + code[2] * ck.dec_w[2] + ck.dec_b


render = render_fixture("decoder")


def test_render_has_its_sections_and_readable_subtitles(render):
    # one cue is shown 1.47 s, under the 1.5 s minimum: the bias step is 1.5 s of animation
    check_render(render, SECTIONS, 60, 150)


def test_weighted_sum_ends_on_the_second_code_and_the_decoders_output(render, plain):
    final = np.array([render.values("weighted-sum", f"c{i + 1}") for i in range(3)])
    np.testing.assert_allclose(final, story.F6_CODES[1], atol=1e-12)
    np.testing.assert_allclose(render.values("weighted-sum", "output"), weighted_sum(plain, final), atol=1e-9)
    # the rings: the checkpoint's ConvTranspose1d run on that code, drawn on the same points
    np.testing.assert_allclose(
        render.values("weighted-sum", "decoder output"), weighted_sum(plain, final), atol=1e-9
    )
    assert f"b = {plain.dec_b:+.4f}" in render.said("weighted-sum")


def test_sweeps_say_the_code_range_and_end_at_the_drawn_code(render, plain):
    ext = story.code_extent(plain)
    said = render.said("one-component-sweeps")
    for k in range(3):
        assert f"up to {fmt(ext[k], 2)}" in said and f"down to {fmt(-ext[k], 2)}" in said
    code = np.array([render.values("all-components", f"c{i + 1}") for i in range(3)])
    np.testing.assert_allclose(code, story.all_codes(ext)[-1], atol=1e-12)
    np.testing.assert_allclose(
        render.values("all-components", "output"), weighted_sum(plain, code), atol=1e-9
    )


def test_transposed_convolution_places_each_window_at_stride_4(render, plain):
    idx, curve = story.demo_curve()
    shown = story.windows(plain, curve)
    np.testing.assert_allclose(
        render.values("transposed-convolution", "code matrix"), plain.encode_windows(curve), atol=1e-12
    )
    for w in range(3):  # window w: its code column's weighted sum of filters, drawn from sample 4*w
        np.testing.assert_allclose(
            render.values("transposed-convolution", f"window {w + 1}"),
            shown.codes[:, w] @ plain.dec_w,
            atol=1e-9,
        )
        assert render.scene.pictures["transposed-convolution"][f"window {w + 1}"].offset == 4 * w
    np.testing.assert_allclose(
        render.values("transposed-convolution", "output"), plain.decode_windows(shown.codes), atol=1e-9
    )
    np.testing.assert_allclose(render.values("transposed-convolution", "curve"), curve, atol=1e-9)
    said = render.said("transposed-convolution")
    assert f"curve {idx} " in said and "samples 4-6 and 8-10" in said


def test_four_panel_draws_the_checkpoints_weighted_sum(plain):
    ext = story.code_extent(plain)
    codes = np.vstack([story.sweep_codes(ext, k) for k in range(3)] + [story.all_codes(ext)])
    panel = pic.FourPanel(plain, ext, codes)
    for code in (np.array(story.F6_CODES[0]), np.array(story.F6_CODES[1]), story.all_codes(ext)[137]):
        panel.set_code(code)
        want = weighted_sum(plain, code)
        np.testing.assert_allclose(panel.sum.drawn_values(), want, atol=1e-9)
        np.testing.assert_allclose(panel.current.drawn_values(), want, atol=1e-9)
        for i in range(3):
            np.testing.assert_allclose(panel.scaled[i].drawn_values(), code[i] * plain.dec_w[i], atol=1e-9)
            np.testing.assert_allclose(panel.raw[i].drawn_values(), plain.dec_w[i], atol=1e-9)
        for sig, c3 in zip(panel.family, panel.c3_values):
            np.testing.assert_allclose(
                sig.drawn_values(), weighted_sum(plain, [code[0], code[1], c3]), atol=1e-9
            )
        x, y = panel.point.axes.p2c(panel.point.dot.get_center())[:2]
        assert (x, y) == pytest.approx((code[0], code[1]), abs=1e-9)
        assert panel.point.dot.width / 2 == pytest.approx(panel.point.radius_for(code[2]), rel=1e-6)
        np.testing.assert_allclose([n.get_value() for n in panel.readout.numbers], code, atol=1e-12)


def test_environment_chooses_the_model(monkeypatch, plain):
    monkeypatch.setenv("DECONV_VARIANT", "code-noise")
    monkeypatch.setenv("DECONV_SEED", "33")
    ck = models.load_model()
    assert (ck.variant, ck.seed) == ("code-noise", 33)
    assert not np.allclose(ck.dec_w, plain.dec_w, atol=1e-2)
    monkeypatch.setenv("DECONV_SEED", "twenty")
    with pytest.raises(SystemExit) as e:
        models.load_model()
    assert e.value.code == 2


def test_missing_checkpoint_is_one_line_and_exit_2(tmp_path):
    env = {**os.environ, "DECONV_VARIANT": "plain", "DECONV_SEED": "999"}
    res = manim("render", "-ql", "-s", "--media_dir", tmp_path, "scenes/decoder.py", env=env)
    assert_usage_error(
        res, "no checkpoint for variant 'plain', seed 999", "deconv train --variants plain --seeds 999"
    )
