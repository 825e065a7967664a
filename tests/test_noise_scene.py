"""The noise video, rendered once: what it draws, and what its subtitles say, is what core.analysis and
core.story measure on the shipped models; its sentences follow the measurements."""

import os
import re

import numpy as np
import pytest
from conftest import assert_usage_error, check_render, manim, render_fixture

from core import analysis as an
from core import data, story, weights
from scenes.noise import LogBars, coded_verdict, fmt_span, sci, smoothing_verdict

SECTIONS = [
    "seeds-disagree",
    "noise-idea",
    "after-training",
    "noise-orders-components",
    "ablation",
    "what-the-code-did",
    "input-noise",
    "smooth-filters",
    "tanh-bound",
    "relu",
]
VARIANTS = ("plain", "code-noise", "input-noise", "code-noise-article", "code-noise-relu")


@pytest.fixture(scope="module")
def models():
    return {v: sorted(weights.load_all(variant=v), key=lambda m: m.seed) for v in VARIANTS}


@pytest.fixture(scope="module")
def patches64():
    """The training patches as float64, as the noise video measures them."""
    return data.make_patches().astype(np.float64)


render = render_fixture("noise")


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 250, 380)


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
        # then every seed, matched, overlaid filter by filter
        spread = an.seed_spread(models[variant], ref)
        for m, f in zip(models[variant], spread):
            for i in range(3):
                drawn = render.values(section, f"spread seed {m.seed} filter {i + 1}")
                np.testing.assert_allclose(drawn, f[i], atol=1e-9)
        found = story.seed_agreement(models[variant])
        assert render.values(section, f"consistency {variant}") == pytest.approx(found.score)
        said = render.said(section)
        assert f"Consistency over all {len(models[variant])} seeds: {found.score:.3f}" in said
        assert f"unrelated random ones {found.baseline:.3f}" in said  # the baseline, measured
    plain, noisy = (story.seed_agreement(models[v]) for v in ("plain", "code-noise"))
    assert noisy.score > plain.score > plain.baseline
    same = "The seeds learn the same filters." in render.said("noise-orders-components")
    assert same == (noisy.score >= 0.99)
    closer = "More alike than chance" in render.said("seeds-disagree")
    assert closer == (plain.verdict == "closer than chance")


def test_the_quietest_channel_carries_the_biggest_filter(render, models, patches64):
    ch = story.channels(models["code-noise"], patches64)
    norm = ch.norm.mean(axis=0)
    said = render.said("noise-orders-components")
    assert f"Filter 3 is the biggest (norm {norm[2]:.2f}), filter 1 nearly flat ({norm[0]:.2f})." in said
    assert np.argmax(norm) == np.argmin(ch.noise) and "The quietest channel carries most." in said


def test_seed_agreement_verdict_either_way():
    def found(score):
        return story.SeedAgreement("v", 10, score, 0.45, True)

    assert found(0.995).verdict == "identical"
    assert found(0.9).verdict == "closer than chance"
    assert found(0.6).verdict == "like chance"  # less than halfway from chance to identical


def test_shaken_models_compare_the_real_decoders(render, models):
    scales = models["code-noise"][0].code_noise
    _, _, patch = story.demo_patch()
    rms = [
        story.shaken(story.model_for(models[v], 22), patch, story.shake_path(scales))[2]
        for v in ("plain", "code-noise")
    ]
    assert rms[0] > 10 * rms[1]  # the code-noise decoder learnt to ignore its noisy channel
    said = render.said("after-training")
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
    said = render.said("ablation")
    assert sci(noisy[0]) in said and sci(noisy[2]) in said
    spans = {v: fmt_span(story.channels(models[v], patches64).ratios) for v in ("plain", "code-noise")}
    assert f"plain {spans['plain']}, code-noise {spans['code-noise']}." in said  # what a log scale hides
    assert spans["code-noise"] == "115x"  # every seed alike, as the mean says
    # plain first everywhere: left in the bars, on top in the rebuilt patches
    bars = render.scene.pictures["ablation"]
    assert bars["plain 1"].get_x() < bars["code-noise 1"].get_x()
    assert bars["plain full"].get_y() > bars["code-noise full"].get_y()


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


def test_input_noise_shows_real_look_alikes(render):
    curves = data.make_curves()[0]
    idx, _ = story.demo_curve()
    sample, others = story.look_alikes(curves, idx)
    assert len(others) == 3
    for j in [idx, *others]:
        np.testing.assert_allclose(render.values("input-noise", f"curve {j}"), curves[j], atol=1e-9)
    assert np.all(np.abs(curves[others, sample] - curves[idx, sample]) <= story.SIMILAR_TOL)
    assert re.search(rf"At sample {sample} they agree within 0\.005", render.said("input-noise"))


def test_smooth_filters_at_true_size_with_jaggedness(render, models):
    smooth = story.model_for(models["input-noise"], 22)
    for i in range(3):  # own channel colours and numbering, not renumbered onto the plain model
        np.testing.assert_allclose(render.values("smooth-filters", f"true filter {i + 1}"), smooth.enc_w[i],
                                   atol=1e-9)
        f = smooth.enc_w[i]
        np.testing.assert_allclose(render.values("smooth-filters", f"smooth filter {i + 1}"),
                                   f / np.abs(f).max(), atol=1e-9)
    found = {v: story.smoothness(models[v]) for v in ("plain", "code-noise", "input-noise")}
    for v, f in found.items():
        for k in range(3):
            assert render.values("smooth-filters", f"jaggedness {v} {k + 1}") == pytest.approx(f.jagged[k])
    big = found["input-noise"].largest
    said = render.said("smooth-filters")
    assert f"grows largest: {big[0]:.2f}" in said and f"against {big[1]:.2f} and {big[2]:.3f}" in said
    assert big[0] > 5 * big[1] > 25 * big[2]
    assert found["input-noise"].jagged.max() < found["plain"].jagged.min() < found["plain"].random


def test_tanh_bound_is_measured(render, models, patches64):
    found = story.tanh_bound(story.model_for(models["input-noise"], 22), patches64)
    said = render.said("tanh-bound")
    assert f"They reach {found.reach:.2f}; tanh keeps the code within {found.code_reach:.2f}." in said
    assert f"{found.bent:.0%} of patches" in said and found.reach > 1 > found.code_reach


def test_relu_section_shows_the_measurement(render, models, patches64):
    relu, tanh = (story.channels(models[v], patches64) for v in ("code-noise-relu", "code-noise"))
    for name, ch in (("ReLU", relu), ("tanh", tanh)):
        for k in range(3):
            drawn = render.values("relu", f"survives {name} {k + 1}")
            assert drawn == pytest.approx(ch.survives[k], rel=1e-6)
    for m, costs in zip(models["code-noise-relu"], relu.costs):
        for k in range(3):
            assert render.values("relu", f"seed {m.seed} share {k + 1}") == pytest.approx(
                costs[k] / costs.sum(), abs=0.003)  # a share of 0 keeps a sliver of a bar
    found = story.relu_verdict(relu, tanh, story.seed_agreement(models["code-noise-relu"]),
                               story.seed_agreement(models["code-noise"]))
    said = render.said("relu")
    assert found.growth in said and all(s in said for s in found.seeds)
    assert ("not reliably" in said) == (relu.ordered < relu.seeds)


def test_relu_verdict_either_way():
    """The sentence follows the numbers: a ReLU run that orders every seed with no dead channel
    and agreeing seeds is said to work; one that does not is said not to."""
    def channels(costs, spread):
        n = len(costs)
        return story.Channels("v", np.array([0.1, 0.01, 0.001]), np.array(spread, float), np.ones((n, 3)),
                              np.array(costs, float), np.full(n, 1e-4))

    good = channels([[1, 2, 3]] * 10, [[0.5, 0.25, 0.11]] * 10)
    bad = channels([[1, 2, 3]] * 6 + [[3, 2, 1]] * 4, [[2.0, 0.8, 0.3]] * 8 + [[0, 0.8, 0.3]] * 2)
    tanh = channels([[1, 2, 3]] * 10, [[0.5, 0.25, 0.11]] * 10)
    agree = story.SeedAgreement("v", 10, 1.0, 0.25, False)
    disagree = story.SeedAgreement("v", 10, 0.4, 0.25, False)
    works = story.relu_verdict(good, tanh, agree, agree)
    fails = story.relu_verdict(bad, tanh, disagree, agree)
    assert "orders the components too" in works.shown and "does not hold" in " ".join(works.seeds)
    assert "about as with tanh" in works.growth
    assert "6 of 10 seeds" in fails.shown and "not reliably" in " ".join(fails.seeds)
    assert "In 2 of 10 seeds a channel died" in fails.seeds[0]
    assert "outgrows its noise 20x; with tanh 5x" in fails.growth


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
        "seeds found: plain 1, code-noise 0, input-noise 0, code-noise-article 0, code-noise-relu 0",
        "deconv train --variants plain code-noise input-noise code-noise-article code-noise-relu --out "
        f"{folder}",
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


def test_costs_are_written_short_and_rounded_right():
    assert sci(0.0153) == "1.5e-2" and sci(5.02e-4) == "5.0e-4"
    assert sci(9.96e-3) == "1.0e-2"  # rounding up to 10 moves the power


def test_smoothing_verdict_follows_the_jaggedness_either_way(render, models):
    found = {v: story.smoothness(models[v]) for v in ("code-noise", "input-noise")}
    shown, said = smoothing_verdict(found["code-noise"], found["input-noise"])
    assert " ".join(said) in render.said("smooth-filters")
    smoothed = [k for k in range(3) if found["input-noise"].jagged[k] < found["code-noise"].jagged[k] / 2]
    assert smoothed == [1, 2] and "smooths filters 2 and 3" in shown and "filter 1 already" in shown

    def smooth(*jag):
        return story.Smoothness("v", np.array(jag), np.ones(3), 4.3)

    assert "smooths filters 1, 2 and 3 (" in smoothing_verdict(smooth(1, 1, 1), smooth(0.1, 0.1, 0.1))[0]
    assert "smooths filter 2 (" in smoothing_verdict(smooth(1, 1, 1), smooth(0.9, 0.1, 1.2))[0]
    assert "does not make" in smoothing_verdict(smooth(1, 1, 1), smooth(0.9, 1, 1.2))[0]


def test_tanh_caps_the_noisiest_channel_at_a_multiple_of_its_noise(render, models, patches64):
    ck = story.model_for(models["input-noise"], 22)
    found = story.tanh_bound(ck, patches64)
    noise = ck.code_noise[found.channel]
    said = render.said("tanh-bound")
    assert f"can never move more than {found.code_reach / noise:.0f}x its noise std" in said
