"""The input-noise video, rendered once: what it draws, and what its subtitles say, is what
core.analysis and core.story measure on the shipped models; its sentences follow the measurements. It
opens on the article's claim; the input-noise models carry code noise too, so what it puts down to
input noise is what code-noise-only models do not show."""

import re

import numpy as np
import pytest
from conftest import (
    assert_usage_error,
    check_render,
    models_fixture,
    render_fixture,
    render_with_one_plain_seed,
)

from core import data, story
from scenes.input_noise import (
    CLAIM,
    decimals_verdict,
    filter_norms,
    order_causes,
    plain_verdict,
    shown_value,
    size_trade,
)
from scenes.noise_parts import sizes_verdict, smoothing_verdict, tanh_source

SECTIONS = ["claim", "input-noise", "smooth-filters", "filter-sizes", "tanh-bound", "relu"]
models = models_fixture("plain", "code-noise", "input-noise", "code-noise-relu")


render = render_fixture("input_noise")


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 190, 240)


def test_it_opens_on_the_claim_and_says_the_models_have_code_noise_too(render, models):
    """The article's claim is the first cue (and the title); then the noise each compared model was
    trained with, read back from the checkpoints: the input-noise models carry the code noise too."""
    assert render.cues[0].start == 0.0
    assert render.cues[0].text.replace("\n", " ") == f"The article's claim: {CLAIM}."
    said = render.said("claim")
    inp = story.model_for(models["input-noise"], 22)
    assert list(inp.code_noise) == list(models["code-noise"][0].code_noise) and inp.input_noise > 0
    assert f"std {inp.input_noise:g} on every input sample" in said
    stds = ", ".join(f"{s:g}" for s in inp.code_noise)
    assert f"and the code noise of the code-noise models too: {stds}." in said
    assert "checked against code-noise-only models" in said
    for r, v in enumerate(("plain", "code-noise", "input-noise"), 1):
        m = story.model_for(models[v], 22)
        for k, std in enumerate([m.input_noise, *m.code_noise]):
            assert render.values("claim", f"noise {r} {k + 1}") == pytest.approx(std)


def test_input_noise_shows_real_look_alikes(render):
    curves = data.make_curves()[0]
    idx, _ = story.demo_curve()
    sample, others = story.look_alikes(curves, idx)
    assert len(others) == 3
    for j in [idx, *others]:
        np.testing.assert_allclose(render.values("input-noise", f"curve {j}"), curves[j], atol=1e-9)
    assert np.all(np.abs(curves[others, sample] - curves[idx, sample]) <= story.SIMILAR_TOL)
    said = render.said("input-noise")
    # the bound is said over what it bounds (each look-alike against curve idx), and holds for the
    # values as written on screen, whose differences are written beside them
    assert re.search(rf"At sample {sample}, each is within 0\.005 of curve {idx}'s value;", said)
    ref = render.values("input-noise", f"value {idx}")
    assert ref == pytest.approx(shown_value(curves[idx, sample]))
    for j in others:
        value = render.values("input-noise", f"value {j}")
        diff = render.values("input-noise", f"difference {j}")
        assert value == pytest.approx(shown_value(curves[j, sample]))
        assert diff == pytest.approx(value - ref, abs=1e-12) and abs(diff) <= story.SIMILAR_TOL
    apart = np.abs(curves[others] - curves[idx]).max()
    assert f"elsewhere they stray up to {apart:.2f} from it." in said
    assert " ".join(decimals_verdict(curves[[idx, *others], sample], sample)) in said
    assert "fourth decimal" in said  # these values first all differ at the fourth decimal
    # bounded: nothing in the data forces smoothness (plain filters are smooth already, said later)
    assert "nothing in the data forces it to be smooth" in said and "nothing forces it" not in said


def test_decimals_verdict_either_way():
    said = " ".join(decimals_verdict([0.1145, 0.1113, 0.1189, 0.1111], 1))
    assert "even the fourth decimal of sample 1" in said
    assert "the second decimal" in " ".join(decimals_verdict([0.11, 0.14, 0.39], 2))
    assert "even" not in " ".join(decimals_verdict([0.11, 0.14, 0.39], 2))
    assert "exactly equal" in " ".join(decimals_verdict([0.1, 0.1, 0.3], 1))
    assert "agree to 4 decimals" in " ".join(decimals_verdict([0.100001, 0.100002], 1))


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


def test_filter_sizes_are_put_down_to_the_code_noise(render, models):
    """The input-noise filters' sizes are compared with the code-noise-only models' before anything is
    said of them (they are the code noise's); the code-noise-only sizes are drawn, and read back."""
    found = {v: story.smoothness(models[v]) for v in ("code-noise", "input-noise")}
    said = sizes_verdict(found["code-noise"], found["input-noise"])
    assert " ".join(said) in render.said("smooth-filters") and "come from the code noise" in said[1]
    for v in found:
        for k in range(3):
            drawn = render.values("smooth-filters", f"largest {v} {k + 1}")
            assert drawn == pytest.approx(found[v].largest[k])
    # the code noise's decoder story is told in its own section, after this one
    assert "scales it back down" not in render.said("smooth-filters")


def test_sizes_verdict_either_way():
    def sizes(*largest):
        return story.Smoothness("v", np.ones(3), np.array(largest), 4.3)

    assert "come from the code noise" in sizes_verdict(sizes(6.6, 0.68, 0.13), sizes(6.5, 0.65, 0.084))[1]
    assert "input noise changes" in sizes_verdict(sizes(6.6, 0.68, 0.13), sizes(0.5, 0.65, 0.084))[1]
    assert "input noise changes" in sizes_verdict(sizes(0.6, 0.68, 0.13), sizes(6.5, 0.65, 0.084))[1]


def test_plain_filters_are_said_smoother_than_random_ones(render, models):
    """Input noise is credited with smoothing further, not from nothing: the plain filters' mean
    jaggedness against random filters', said and shown, chosen by the numbers."""
    plain = story.smoothness(models["plain"])
    shown, said = plain_verdict(plain)
    assert " ".join(said) in render.said("smooth-filters")
    assert plain.jagged.mean() < plain.random / 2 and "already smoother than random ones" in shown
    assert f"{plain.jagged.mean():.2f} on average" in shown and f"({plain.random:.1f})" in shown


def test_plain_verdict_either_way():
    def smooth(*jag):
        return story.Smoothness("v", np.array(jag), np.ones(3), 4.3)

    shown, said = plain_verdict(smooth(0.63, 0.56, 0.58))
    assert "already smoother than random ones" in shown and "smooths further, not from nothing" in said[1]
    shown, said = plain_verdict(smooth(4.1, 3.9, 4.5))
    assert "about as jagged as random ones" in shown and "comes from the noise" in said[1]


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


def test_tanh_bound_is_measured(render, models, patches64):
    found = story.tanh_bound(story.model_for(models["input-noise"], 22), patches64)
    said = render.said("tanh-bound")
    assert f"They reach {found.reach:.2f}; tanh keeps the code within {found.code_reach:.2f}." in said
    assert f"{found.bent:.0%} of patches" in said and found.reach > 1 > found.code_reach


def test_the_big_filter_is_put_down_to_the_code_noise(render, models, patches64):
    inp = story.tanh_bound(story.model_for(models["input-noise"], 22), patches64)
    only = story.tanh_bound(story.model_for(models["code-noise"], 22), patches64)
    said = tanh_source(inp, only)
    assert " ".join(said) in render.said("tanh-bound")
    assert only.channel == inp.channel and only.reach > 1 and "comes with the code noise" in said[1]


def test_tanh_source_either_way():
    def bound(channel, reach):
        return story.TanhBound(channel, np.zeros(3), reach, float(np.tanh(reach)), 0.1)

    assert "comes with the code noise" in tanh_source(bound(0, 1.65), bound(0, 1.72))[1]
    assert "the input noise makes the filter big" in tanh_source(bound(0, 1.65), bound(0, 0.6))[1]


def test_tanh_caps_the_noisiest_channel_at_a_multiple_of_its_noise(render, models, patches64):
    ck = story.model_for(models["input-noise"], 22)
    found = story.tanh_bound(ck, patches64)
    noise = ck.code_noise[found.channel]
    said = render.said("tanh-bound")
    # what it reaches here, and tanh's ceiling (1) over the noise: the cap however large the filter grows
    assert f"code moves at most {found.code_reach / noise:.0f}x its noise std ({noise:g}) here;" in said
    assert f"tanh's ceiling, 1, caps it at {1 / noise:.0f}x however large its filter grows." in said
    assert "never move more than" not in said


def test_filter_sizes_draw_the_encoder_decoder_trade(render, models, patches64):
    """The code-noise models' filter sizes (norm, the same measure for encoder and decoder), their
    product, as drawn bars that read back the measured means of seeds; the sentences chosen by them."""
    ms = models["code-noise"]
    enc, dec = filter_norms(ms)
    for k in range(3):
        np.testing.assert_allclose(enc[:, k], [np.sqrt(np.sum(m.enc_w[k].astype(float) ** 2)) for m in ms],
                                   rtol=1e-6)
    for name, values in (("encoder", enc.mean(axis=0)), ("decoder", dec.mean(axis=0)),
                         ("product", (enc * dec).mean(axis=0))):
        for k in range(3):
            assert render.values("filter-sizes", f"size {name} {k + 1}") == pytest.approx(values[k], rel=1e-6)
    spread = story.channels(ms, patches64).spread
    found = size_trade(ms[0].code_noise, enc, dec, spread, filter_norms(models["plain"])[0])
    said = render.said("filter-sizes")
    assert all(" ".join(s) in said for s in found.said)
    # on these models: filter 1 (noise 0.1) the largest encoder and smallest decoder filter in every seed,
    # the product alike across channels, the encoder filters far apart only with code noise
    assert "is the largest, 11.16" in said and "the smallest, 0.11: in all 10 seeds" in said
    assert "scales it back down" in said and "is alike: 1.24, 1.09, 1.12" in said
    assert "a code-noise effect" in said and "apart" in found.shown[-1]


def test_size_trade_either_way():
    noise = (0.1, 0.01, 0.001)
    plain = np.array([[0.6, 0.5, 0.7]] * 4)
    enc = np.array([[11.0, 1.2, 0.2]] * 4)
    dec = np.array([[0.11, 0.9, 5.6]] * 4)
    spread = np.array([[0.5, 0.25, 0.11]] * 4)
    found = size_trade(noise, enc, dec, spread, plain)
    words = " ".join(" ".join(s) for s in found.said)
    assert "is the largest, 11.00" in words and "in all 4 seeds" in words and "5.0x its noise std" in words
    assert "is alike: 1.21, 1.08, 1.12" in words and "a code-noise effect" in words
    np.testing.assert_allclose(found.product, [1.21, 1.08, 1.12])
    # filter 1 not the largest: no scaling story; products unlike; plain filters as far apart
    other = size_trade(noise, np.array([[1.0, 5.0, 0.2]] * 4), np.array([[0.5, 0.9, 5.6]] * 4), spread,
                       np.array([[60.0, 1.0, 1.0]] * 4))
    words = " ".join(" ".join(s) for s in other.said)
    assert "is not the largest encoder filter" in words and "scales" not in words
    assert "not alike across channels" in words and "not the code noise's doing" in words
    mixed = size_trade(noise, np.array([[11.0, 1.2, 0.2], [1.0, 5.0, 0.2]]),
                       np.array([[0.11, 0.9, 5.6], [0.11, 0.9, 5.6]]), spread[:2], plain[:2])
    assert "in 1 of 2 seeds" in mixed.said[0][1]


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
    # the two causes of disorder apart: dead channels, and seeds with all three alive still out of order
    shown, causes = order_causes(relu)
    assert " ".join(causes) in said
    assert shown == "of the 4 seeds out of order, 3 have a dead channel; 1 has all three alive"
    # tanh's ceiling is another model's bound: it is not set against the ReLU spread
    assert "9x" not in said and "ceiling" not in found.growth


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


def test_order_causes_either_way():
    def channels(costs, spread):
        n = len(costs)
        return story.Channels("v", np.array([0.1, 0.01, 0.001]), np.array(spread, float), np.ones((n, 3)),
                              np.array(costs, float), np.full(n, 1e-4))

    alive, dead1, dead3 = [0.5, 0.25, 0.11], [0, 0.8, 0.3], [0.5, 0.8, 0]
    mixed = channels([[1, 2, 3], [2, 1, 3], [1, 3, 0], [0, 2, 3]], [alive, alive, dead3, dead1])
    shown, said = order_causes(mixed)
    assert shown == "of the 2 seeds out of order, 1 has a dead channel; 1 has all three alive"
    assert "Of the 2 out of order, 1 has a dead channel;" == said[0] and "yet out of order" in said[1]
    shown, said = order_causes(channels([[1, 2, 3], [1, 3, 0], [1, 3, 0]], [alive, dead3, dead3]))
    assert shown == "each of the 2 seeds out of order has a dead channel" and "is in order" in said[1]
    shown, said = order_causes(channels([[1, 2, 3], [3, 2, 1]], [dead1, alive]))
    assert shown == "the 1 seed out of order has no dead channel: all three alive" and "no ceiling" in said[1]
    shown, said = order_causes(channels([[3, 2, 1], [3, 2, 1], [1, 2, 3]], [alive, alive, dead1]))
    assert shown.startswith("none of the 2 seeds out of order has a dead channel") and said[0][0] == "N"
    shown, said = order_causes(channels([[1, 3, 0], [1, 2, 3]], [dead3, alive]))
    assert shown == "the 1 seed out of order has a dead channel" and said[0].startswith("The 1 seed")
    assert order_causes(channels([[1, 2, 3]] * 3, [alive] * 3)) == ("", ())


def test_checkpoint_folder_from_the_environment_is_used_for_every_model(tmp_path):
    """DECONV_CHECKPOINTS names the folder for the example model and for the all-seed models: a folder
    with one plain seed stops the render before anything is drawn, with one line naming that folder
    and every variant to train."""
    folder, res = render_with_one_plain_seed(tmp_path, "scenes/input_noise.py")
    assert_usage_error(
        res,
        str(folder),
        "seeds found: plain 1, code-noise 0, input-noise 0, code-noise-relu 0",
        f"deconv train --variants plain code-noise input-noise code-noise-relu --out {folder}",
    )
    assert not list((tmp_path / "media").rglob("*.mp4"))  # stopped before the first animation
