"""The code-noise video, rendered once: what it draws, and what its subtitles say, is what core.analysis
and core.story measure on the shipped models; its sentences follow the measurements. It opens on the
article's claim and the noise the models were trained with, explains the seed matching once, and
says which component matters only from what zeroing it costs."""


import numpy as np
import pytest
from conftest import (
    assert_usage_error,
    check_render,
    models_fixture,
    render_fixture,
    render_with_one_plain_seed,
)

from core import analysis as an
from core import story
from scenes.code_noise import CLAIM
from scenes.noise_parts import LogBars, coded_verdict, fmt_span, importance_verdict, sci

SECTIONS = [
    "claim",
    "seeds-disagree",
    "noise-idea",
    "after-training",
    "noise-orders-components",
    "ablation",
    "what-the-code-did",
]
models = models_fixture("plain", "code-noise", "code-noise-article")


render = render_fixture("code_noise")


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 190, 240)


def test_it_opens_on_the_claim_then_the_noise_used_before_any_result(render, models):
    """The article's claim is the first cue (and the title); then, before any seed or ablation result,
    which noise the code-noise models used (the meant one) and that code-noise-article uses the
    applied one (the article's slicing quirk), the table's cells read back from the checkpoints."""
    assert render.cues[0].start == 0.0
    assert render.cues[0].text.replace("\n", " ").startswith("The article's claim: noise of a different size")
    said = render.said("claim")
    assert CLAIM in said  # the whole claim, said first
    meant, did = models["code-noise"][0].code_noise, models["code-noise-article"][0].code_noise
    assert list(meant) == [0.1, 0.01, 0.001] and list(did) == pytest.approx([0.1, 0.001, 1e-6])
    assert f"The article meant std {', '.join(f'{s:g}' for s in meant)} on c1, c2, c3;" in said
    assert f"its code applied {', '.join(f'{s:g}' for s in did)}" in said
    assert "Our code-noise models use the meant noise," in said
    assert "the code-noise-article models the applied one" in said
    for r, stds in ((1, meant), (2, did)):
        for k in range(3):
            assert render.values("claim", f"noise {r} {k + 1}") == pytest.approx(stds[k])


def test_the_matching_is_explained_once(render):
    """The seed matching (renumber and flip, the best of 48 ways, consistency as the mean cosine,
    random filters' score) is explained in seeds-disagree; noise-orders-components names it in a
    clause and gives only its result."""
    first, again = render.said("seeds-disagree"), render.said("noise-orders-components")
    for words in ("renumbered and flipped to match seed 22", "Neither changes what a model computes",
                  "the mean cosine of matched filters", "Identical filters score 1",
                  "the best of 48 matches"):
        assert words in first and words not in again, words
    assert "Matched to seed 22 as the plain seeds were: renumbered and flipped." in again


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


def test_filter_sizes_are_said_as_sizes_only(render, models, patches64):
    """noise-orders-components says which filter is largest as a size only (was: "Filter 3 is the
    biggest, so the quietest channel carries most"): which component matters is said in the ablation,
    from what zeroing it costs."""
    ch = story.channels(models["code-noise"], patches64)
    norm = ch.norm.mean(axis=0)
    said = render.said("noise-orders-components")
    assert f"Filter 3 has the largest norm ({norm[2]:.2f}), filter 1 the smallest ({norm[0]:.2f})." in said
    assert np.argmax(norm) == np.argmin(ch.noise)  # the quietest channel has the biggest filter
    assert "Size alone is not importance: the output adds code times filter," in said
    assert "carries most" not in render.said() and "important" not in said


def test_seed_agreement_verdict_either_way():
    def found(score):
        return story.SeedAgreement("v", 10, score, 0.45, True)

    assert found(0.995).verdict == "identical"
    assert found(0.9).verdict == "closer than chance"
    assert found(0.6).verdict == "like chance"  # less than halfway from chance to identical


def test_shaken_models_compare_the_real_decoders(render, models, patches64):
    """How far the output moves is said over every seed and every training patch (the video's premise
    is ten seeds), and what the rms is over is on screen; the plots draw seed 22 on one patch."""
    scales = models["code-noise"][0].code_noise
    rms = {v: np.array([story.shake_rms(m, patches64, scales) for m in models[v]])
           for v in ("plain", "code-noise")}
    assert rms["plain"].min() > 10 * rms["code-noise"].max()  # every seed learnt to ignore its noisy channel
    said = render.said("after-training")
    plain, noisy = rms["plain"].mean(), rms["code-noise"].mean()
    assert ("Over every training patch, mean of ten seeds: the output moves by "
            f"{plain:.3f} (rms) for plain, {noisy:.3f} for code-noise.") in said
    assert "The plain output swings; the code-noise one barely moves." in said
    _, _, patch = story.demo_patch()  # one seed on one patch: not what is said
    one = story.shaken(story.model_for(models["plain"], 22), patch, story.shake_path(scales))[2]
    assert f"{one:.3f}" not in said


def test_shake_rms_is_the_rms_over_patches_samples_and_path(models, patches64):
    ck = models["plain"][0]
    scales = models["code-noise"][0].code_noise
    few = patches64[:5]
    by_patch = [story.shaken(ck, p, story.shake_path(scales, 25)[:-1]) for p in few]
    want = np.sqrt(np.mean([np.mean((moved - clean) ** 2) for clean, moved, _ in by_patch]))
    assert story.shake_rms(ck, few, scales) == pytest.approx(want, rel=1e-12)
    assert story.shake_rms(ck, few, np.zeros(3)) == 0.0


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


def test_which_component_matters_is_said_from_the_zeroing_costs(render, models, patches64):
    ch = story.channels(models["code-noise"], patches64)
    shown, said = importance_verdict(ch)
    assert " ".join(said) in render.said("ablation")
    assert ch.ordered == ch.seeds and "the quietest channel, as claimed" in said[-1]
    assert "the quietest channel" not in render.said("noise-orders-components")


def test_importance_verdict_either_way():
    """The sentence follows the costs: in order in every seed, costliest on average only, or another
    component costliest."""
    def channels(costs):
        n = len(costs)
        return story.Channels("v", np.array([0.1, 0.01, 0.001]), np.ones((n, 3)), np.ones((n, 3)),
                              np.array(costs, float), np.full(n, 1e-4))

    holds = importance_verdict(channels([[1, 2, 3]] * 10))
    mostly = importance_verdict(channels([[1, 2, 3]] * 7 + [[2, 1, 3]] * 3))
    fails = importance_verdict(channels([[1, 9, 3]] * 10))
    assert "in all 10 seeds" in holds[0] and "as claimed" in holds[1][1]
    assert "in only 7 of 10 seeds" in mostly[0] and "in only 7 of 10 seeds" in mostly[1][1]
    assert "component 2 costs most, not the quietest channel's (3)" in fails[0]
    assert "does not hold" in fails[1][1]


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


def test_checkpoint_folder_from_the_environment_is_used_for_every_model(tmp_path):
    """DECONV_CHECKPOINTS names the folder for the example model and for the all-seed models: a folder
    with one plain seed stops the render before anything is drawn, with one line naming that folder
    and every variant to train."""
    folder, res = render_with_one_plain_seed(tmp_path, "scenes/code_noise.py")
    assert_usage_error(
        res,
        str(folder),
        "seeds found: plain 1, code-noise 0, code-noise-article 0",
        f"deconv train --variants plain code-noise code-noise-article --out {folder}",
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


def test_the_filter_colours_are_keyed_on_screen(render):
    """The colour of each filter is on screen beside the seeds' plots, not only in the subtitles."""
    from manim import ManimColor

    from scenes import theme as th

    for section in ("seeds-disagree", "noise-orders-components"):
        key = render.scene.pictures[section]["filter key"]
        assert [t.original_text for t in key] == ["filter 1", "filter 2", "filter 3"]
        assert [ManimColor(t.color) for t in key] == [ManimColor(c) for c in th.FILTER_COLORS[:3]]


def test_a_range_over_seeds_that_reads_as_one_number_is_said_as_one():
    from scenes.code_noise import seed_range

    assert seed_range(np.array([0.0712, 0.1237, 0.09])) == "0.071 to 0.124"
    assert seed_range(np.array([0.00409, 0.00411])) == "each 0.004"
