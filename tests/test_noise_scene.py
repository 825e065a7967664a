"""The noise video, rendered once: what it draws, and what its subtitles say, is what core.analysis and
core.story measure on the shipped models; its sentences follow the measurements."""

import os
import re

import numpy as np
import pytest
from conftest import assert_usage_error, check_render, manim, render_fixture

from core import analysis as an
from core import data, story, weights
from scenes.noise import LogBars, coded_verdict

SECTIONS = [
    "seeds-disagree",
    "noise-idea",
    "noise-orders-components",
    "ablation",
    "what-the-code-did",
    "input-noise",
]


@pytest.fixture(scope="module")
def models():
    return {
        v: weights.load_all(variant=v) for v in ("plain", "code-noise", "input-noise", "code-noise-article")
    }


@pytest.fixture(scope="module")
def patches64():
    """The training patches as float64, as the noise video measures them."""
    return data.make_patches().astype(np.float64)


render = render_fixture("noise")


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 80, 180)


def test_aligned_filters_drawn_are_the_compensated_filters(render, models):
    for section, variant in (("seeds-disagree", "plain"), ("noise-orders-components", "code-noise")):
        ref = story.model_for(models[variant], 22)
        drawn = {k: v for k, v in render.scene.shown[section].items() if k.startswith("seed ")}
        assert len(drawn) == 4 * 3  # four seeds side by side, three filters each
        for m in models[variant]:
            want = an.match_filters(m.dec_w, ref.dec_w).aligned
            for i in range(3):
                if f"seed {m.seed} filter {i + 1}" in drawn:
                    np.testing.assert_allclose(drawn[f"seed {m.seed} filter {i + 1}"], want[i], atol=1e-9)
        score = an.consistency([m.dec_w for m in models[variant]])
        assert f"Consistency over all {len(models[variant])} seeds: {score:.3f}" in render.said(section)
    plain, noisy = (an.consistency([m.dec_w for m in models[v]]) for v in ("plain", "code-noise"))
    assert noisy > plain
    assert ("Matched up, they coincide." in render.said("noise-orders-components")) == (noisy >= 0.99)


def test_shaken_models_compare_the_real_decoders(render, models):
    scales = models["code-noise"][0].code_noise
    _, _, patch = story.demo_patch()
    rms = [
        story.shaken(story.model_for(models[v], 22), patch, story.shake_path(scales))[2]
        for v in ("plain", "code-noise")
    ]
    assert rms[0] > 10 * rms[1]  # the code-noise decoder learnt to ignore its noisy channel
    said = render.said("noise-idea")
    assert f"Output moves by {rms[0]:.3f} (rms) for plain, {rms[1]:.3f} for code-noise." in said
    assert "The plain output swings; the code-noise one barely moves." in said


def test_ablation_bars_and_reconstructions_are_the_measured_ones(render, models, patches64):
    for variant in ("plain", "code-noise"):
        mean, _ = an.ablation_summary(models[variant], patches64)
        for k in range(3):
            assert render.values("ablation", f"{variant} {k + 1}") == pytest.approx(mean[k], rel=1e-6)
        outs = story.ablated_outputs(story.model_for(models[variant], 22), story.demo_patch()[2])
        for n, name in enumerate(("full", "without 1", "without 2", "without 3")):
            np.testing.assert_allclose(render.values("ablation", f"{variant} {name}"), outs[n], atol=1e-9)
    noisy = an.ablation_summary(models["code-noise"], patches64)[0]
    assert f"{noisy[0]:.1e}" in render.said("ablation") and f"{noisy[2]:.1e}" in render.said("ablation")


def test_what_the_code_did_says_what_was_measured(render, models, patches64):
    found = story.noise_as_coded(models["code-noise-article"], models["code-noise"], patches64)
    table = np.array([an.ablation(m, patches64) for m in models["code-noise-article"]])
    assert found.ordered == int(np.sum(np.all(np.diff(table, axis=1) > 0, axis=1)))
    _, said = coded_verdict(found)
    assert " ".join(said) in render.said("what-the-code-did")
    assert ("swap" in render.said()) == (found.ordered < found.seeds)


def test_the_verdict_follows_the_measurement_either_way():
    kept = coded_verdict(story.NoiseAsCoded(seeds=10, ordered=10, ratio_applied=1.9, ratio_meant=7.7))
    swapped = coded_verdict(story.NoiseAsCoded(seeds=10, ordered=7, ratio_applied=1.1, ratio_meant=7.7))
    assert "keep their order in all 10 seeds" in kept[0] and "1.9x apart instead of 7.7x" in kept[0]
    assert "swap places in 3 of 10 seeds" in swapped[0] and "as the article saw" in swapped[0]


def test_input_noise_shows_real_look_alikes_and_smoother_filters(render, models):
    curves = data.make_curves()[0]
    idx, _ = story.demo_curve()
    sample, others = story.look_alikes(curves, idx)
    assert len(others) == 3
    for j in [idx, *others]:
        np.testing.assert_allclose(render.values("input-noise", f"curve {j}"), curves[j], atol=1e-9)
    assert np.all(np.abs(curves[others, sample] - curves[idx, sample]) <= story.SIMILAR_TOL)
    r_plain, r_smooth = (story.mean_roughness(models[v]) for v in ("plain", "input-noise"))
    assert render.values("input-noise", "roughness plain") == pytest.approx(r_plain)
    assert render.values("input-noise", "roughness input-noise") == pytest.approx(r_smooth)
    assert r_smooth < r_plain and ", smoother." in render.said("input-noise")
    assert re.search(rf"At sample {sample} they agree within 0\.005", render.said("input-noise"))


def test_checkpoint_folder_from_the_environment_is_used_for_every_model(tmp_path):
    """DECONV_CHECKPOINTS names the folder for the example model and for the all-seed models: a folder
    with one plain seed stops the render before anything is drawn, with one line naming that folder
    and every variant to train."""
    folder = tmp_path / "ck"
    src = weights.DEFAULT_DIR
    (folder / "plain").mkdir(parents=True)
    (folder / "plain" / "seed_22.safetensors").write_bytes(
        (src / "plain" / "seed_22.safetensors").read_bytes()
    )
    weights.update_manifest(folder, [folder / "plain" / "seed_22.safetensors"])
    env = {**os.environ, "DECONV_CHECKPOINTS": str(folder)}
    res = manim("render", "-ql", "--media_dir", tmp_path / "media", "scenes/noise.py", env=env)
    assert_usage_error(
        res,
        str(folder),
        "seeds found: plain 1, code-noise 0, input-noise 0, code-noise-article 0",
        f"deconv train --variants plain code-noise input-noise code-noise-article --out {folder}",
    )
    assert not list((tmp_path / "media").rglob("*.mp4"))  # stopped before the first animation


def test_log_bars_take_an_increase_of_zero_or_less():
    """An undertrained model can gain from losing a component: its bar is left out of the log scale
    (no NaN), the others still read back their values."""
    bars = LogBars(
        {"plain": np.array([2.1e-3, -2.9e-3, 0.0]), "code-noise": np.array([5e-4, 7e-3, 6e-2])}, "t"
    )
    drawn = {b.role: b.drawn_value() for b in bars.get_family() if getattr(b, "role", None)}
    assert drawn["plain 1"] == pytest.approx(2.1e-3) and drawn["code-noise 3"] == pytest.approx(6e-2)
    assert np.isfinite(list(drawn.values())).all() and drawn["plain 2"] < 5e-4
