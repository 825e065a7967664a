"""The noise video: what it shows, and what its subtitles say, is what core.analysis measures on the
shipped models."""

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import check_subtitles, render_fast, render_sections

from core import analysis as an
from core import data, weights
from scenes.noise import NoiseScene

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["seeds-disagree", "noise-idea", "noise-orders-components", "ablation", "what-the-code-did",
            "input-noise"]
NUMBER = re.compile(r"\d+\.\d+(?:e[-+]\d+)?")


def said(scene) -> str:
    """Everything the subtitles say, in order."""
    return " ".join(text.replace("\n", " ") for *_, text in scene.captions.cues)


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    return render_fast(NoiseScene, tmp_path_factory.mktemp("media"))


def test_aligned_filters_drawn_are_the_compensated_filters(scene):
    for variant in ("plain", "code-noise"):
        part = scene.seed_parts[variant]
        for sigs, m in zip(part["aligned"], part["shown"]):
            want = an.match_filters(m.dec_w, part["ref"].dec_w).aligned
            for i in range(3):
                np.testing.assert_allclose(sigs[i].drawn_values(), want[i], atol=1e-9)
        models = weights.load_all(variant=variant)
        assert part["score"] == pytest.approx(an.consistency([m.dec_w for m in models]))
    assert scene.seed_parts["code-noise"]["score"] > scene.seed_parts["plain"]["score"]


def test_ablation_bars_are_the_measured_means(scene):
    patches = data.make_patches().astype(np.float64)
    for variant in ("plain", "code-noise"):
        mean, _ = an.ablation_summary(weights.load_all(variant=variant), patches)
        for k in range(3):
            bar, axes = scene.bar_values[(variant, k)]
            top = axes.p2c(bar[0].get_top())[1]
            assert 10**top == pytest.approx(mean[k], rel=1e-6)


def test_what_the_code_did_says_what_was_measured(scene):
    patches = data.make_patches().astype(np.float64)
    table = np.array([an.ablation(m, patches) for m in weights.load_all(variant="code-noise-article")])
    ordered = int(np.sum(np.all(np.diff(table, axis=1) > 0, axis=1)))
    assert scene.code_did["ordered"] == ordered
    assert ("swap places" in scene.code_did["verdict"]) == (ordered < len(table))
    assert ("swap" in said(scene)) == (ordered < len(table))  # the subtitles follow the same measurement
    if ordered == len(table):
        ratio_art, ratio_meant = scene.code_did["ratios"]
        assert f"{ratio_art:.1f}x apart instead of {ratio_meant:.1f}x" in said(scene)


def test_input_noise_shows_real_look_alikes(scene):
    curves = data.make_curves()[0]
    p = scene.input_parts
    assert len(p["others"]) == 3
    assert np.all(np.abs(curves[p["others"], p["sample"]] - curves[p["index"], p["sample"]]) <= 0.005)
    r_plain, r_smooth = p["roughness"]
    assert r_smooth < r_plain


@pytest.mark.slow
def test_renders_with_named_sections_and_subtitles(tmp_path):
    out, sections = render_sections("noise", "NoiseScene", tmp_path)
    assert [s["name"] for s in sections] == SECTIONS
    cues = check_subtitles(out, "NoiseScene")  # valid SRT beside the video, every section captioned
    numbers = [float(x) for c in cues for x in NUMBER.findall(c.text)]
    plain = an.consistency([m.dec_w for m in weights.load_all(variant="plain")])
    assert float(f"{plain:.3f}") in numbers


def test_subtitles_are_readable_and_say_the_measured_numbers(scene):
    assert scene.captions.problems() == []
    text = said(scene)
    for variant in ("plain", "code-noise"):
        assert f"{scene.seed_parts[variant]['score']:.3f}" in text
    for r in scene.shaken_parts["rms"]:
        assert f"{r:.3f}" in text
    noisy = scene.ablations["code-noise"][0]
    assert f"{noisy[0]:.1e}" in text and f"{noisy[2]:.1e}" in text


def test_shaken_models_compare_the_real_decoders(scene):
    rms_plain, rms_noise = scene.shaken_parts["rms"]
    assert rms_plain > 10 * rms_noise  # the code-noise decoder learnt to ignore its noisy channel
    assert "The plain output swings; the code-noise one barely moves." in said(scene)
