"""The assembled model and the overlap fixes, on known cases and on the shipped models (C8-C10)."""

import numpy as np
import pytest

from core import conv, weights
from core import overlap as ov


def test_coverage_of_15_samples_kernel_7_stride_4():
    np.testing.assert_array_equal(ov.coverage(15, 7, 4), [1, 1, 1, 1, 2, 2, 2, 1, 2, 2, 2, 1, 1, 1, 1])
    assert ov.window_starts(15) == [0, 4, 8]
    np.testing.assert_array_equal(ov.coverage(16, 4, 2), [1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1])
    r = ov.regions(15)
    assert list(np.flatnonzero(r["borders"])) == [0, 1, 2, 12, 13, 14]


def test_taper_sums_to_one_wherever_windows_overlap():
    s = ov.summed_window(15, ov.FIXES["tapered"])
    np.testing.assert_allclose(s[3:12], 1.0)
    np.testing.assert_allclose(s[:3], [0.25, 0.5, 0.75])


def _const_model(bias=0.0):
    dec = np.zeros((3, 7))
    dec[0] = 1.0  # filter 1 constant
    return weights.Checkpoint("t", 0, None, np.zeros((3, 7)), np.zeros(3), dec, bias, np.zeros(0))


def test_constant_code_through_cola_window_gives_a_flat_interior():
    codes = np.zeros((1, 3, 3))
    codes[0, 0, :] = 1.0
    out = ov.decode_codes(_const_model(0.1), codes, "tapered")[0]
    np.testing.assert_allclose(out[3:12], 1.1)  # interior flat
    raw = ov.decode_codes(_const_model(0.1), codes, "raw")[0]
    np.testing.assert_allclose(raw, np.array(ov.coverage()) + 0.1)  # raw: doubled where covered twice
    np.testing.assert_allclose(ov.decode_codes(_const_model(0.1), codes, "normalised")[0], 1.1)
    with pytest.raises(ValueError, match="unknown fix"):
        ov.decode_codes(_const_model(), codes, "blur")


def test_assembled_model_matches_the_window_maths_and_normalising_keeps_single_cover(curves_and_params):
    ck = weights.load_checkpoint("plain", 22)
    curves = curves_and_params[0][:50]
    codes = ov.encode_curves(ck, curves)
    for c, code in zip(curves, codes):
        np.testing.assert_allclose(code, ck.encode_windows(c), atol=1e-12)
    raw = ov.decode_codes(ck, codes)
    norm = ov.decode_codes(ck, codes, "normalised")
    single = ov.coverage() == 1
    for n in range(len(curves)):
        np.testing.assert_allclose(raw[n], ck.decode_windows(codes[n]), atol=1e-12)
        # where one window covers, the normalised output is that window's patch reconstruction
        patches = ck.decode(codes[n].T)  # (3 windows, 7)
        for s in np.flatnonzero(single):
            w = [w for w, st in enumerate(ov.window_starts(15)) if st <= s < st + 7][0]
            assert norm[n, s] == pytest.approx(patches[w, s - 4 * w], abs=1e-12)


def test_claims_c8_to_c10_and_normalising(curves_and_params):
    tab = ov.error_table(weights.load_all(variant="plain"), curves_and_params[0])
    raw, halved, tapered, norm = (tab[f] for f in ("raw", "halved", "tapered", "normalised"))
    assert raw["interior"] > 100 * raw["borders"]  # C8: the overlaps come out doubled
    assert halved["interior"] < raw["interior"] / 100 and halved["borders"] > 10 * raw["borders"]  # C9
    assert tapered["whole"] < halved["whole"] and tapered["borders"] > 10 * raw["borders"]  # C10
    assert norm["whole"] < min(halved["whole"], tapered["whole"]) / 10  # beyond: borders mended
    assert norm["borders"] == pytest.approx(raw["borders"])


def test_spans_are_runs_of_consecutive_indices():
    assert ov.spans([4, 5, 6, 8, 9, 10]) == [(4, 6), (8, 10)]
    assert ov.spans([3]) == [(3, 3)] and ov.spans([]) == []
    assert ov.spans(np.flatnonzero(ov.coverage() > 1)) == [(4, 6), (8, 10)]


def test_summed_weight_is_a_transposed_convolution_of_ones():
    """The weight reaching each sample is what the transposed convolution makes of a 1 per window
    with the tap multipliers as its kernel (core.conv, PyTorch's maths): 1 or 2 for the trained
    taps, and 1 inside for the article's fixes."""
    for taps in ov.FIXES.values():
        ones = np.ones((1, len(ov.window_starts(15))))
        stamped = conv.conv_transpose1d(ones, taps[None, None], stride=4)[0]
        np.testing.assert_allclose(ov.summed_window(15, taps), stamped, atol=1e-12)
    np.testing.assert_array_equal(ov.weight_profile("raw"), ov.coverage())
    np.testing.assert_allclose(ov.weight_profile("halved"), [0.5] * 3 + [1] * 9 + [0.5] * 3)
    np.testing.assert_allclose(ov.weight_profile("tapered"), [0.25, 0.5, 0.75] + [1] * 9 + [0.75, 0.5, 0.25])
    np.testing.assert_allclose(ov.weight_profile("normalised"), np.ones(15))
    # kernel 8 at stride 4 covers every interior sample exactly twice; kernel 7 leaves sample 7 once
    even = ov.coverage(16, 8, 4)
    np.testing.assert_array_equal(even, [1] * 4 + [2] * 8 + [1] * 4)
    assert set(even[ov.regions(16, 8, 4)["interior"]]) == {2}
    assert set(ov.coverage()[ov.regions()["interior"]]) == {1, 2}
    with pytest.raises(ValueError, match="unknown fix"):
        ov.weight_profile("blur")


def test_contributions_name_the_taps_that_add_up_at_a_sample():
    halved = ov.FIXES["halved"]
    assert ov.contributions(5, halved) == [(0, 5, 0.5), (1, 1, 0.5)]  # 0.5 + 0.5 = 1
    assert ov.contributions(7, halved) == [(1, 3, 1.0)]  # one window: its middle tap
    assert ov.contributions(0, halved) == [(0, 0, 0.5)]  # a border: one halved tap alone
    for taps in ov.FIXES.values():
        total = [sum(c[2] for c in ov.contributions(i, taps)) for i in range(15)]
        np.testing.assert_allclose(total, ov.summed_window(15, taps))


def test_second_difference_error_on_known_cases():
    x = np.arange(15.0)
    assert ov.second_difference_error(2 * x + 1, -x) == 0.0  # straight lines have no second difference
    assert ov.second_difference_error(x**2, x**2 + 3 * x - 1) == pytest.approx(0.0, abs=1e-12)
    spike = np.zeros(5)
    spike[2] = 1.0  # second differences 1, -2, 1 against a flat curve's 0, 0, 0
    assert ov.second_difference_error(spike, np.zeros(5)) == pytest.approx(4 / 3)
    # averaged over curves: one exact, one with the spike
    assert ov.second_difference_error([np.zeros(5), spike], np.zeros((2, 5))) == pytest.approx(2 / 3)
    # a scaled curve bends more: doubling the interior bends at its edges, as the raw model does
    c = np.sin(np.linspace(0, np.pi, 15))
    doubled = c * ov.coverage()
    tapered = c * ov.weight_profile("tapered")
    assert ov.second_difference_error(doubled, c) > ov.second_difference_error(tapered, c)


def test_c10_tapering_is_smoother_than_halving_on_the_plain_seeds(curves_and_params):
    """C10, measured as smoothness (the second differences against the curve's), over all plain
    seeds: tapered below halved, the raw doubling far rougher, normalising smoothest."""
    models = weights.load_all(variant="plain")
    rough = ov.delta2_table(models, curves_and_params[0])
    assert set(rough) == set(ov.FIXES)
    assert rough["tapered"] < rough["halved"] < rough["raw"] / 2
    assert rough["normalised"] < rough["tapered"]
    ck = weights.load_checkpoint("plain", 22)
    curves = curves_and_params[0][:500]
    out = ov.decode_codes(ck, ov.encode_curves(ck, curves), "tapered")
    assert ov.delta2_error(ck, curves, "tapered") == pytest.approx(ov.second_difference_error(out, curves))
    # the tables decode each fix from one encoding: each entry is the number each fix gives alone
    pair = [ck, weights.load_checkpoint("plain", 33)]
    table, smooth = ov.error_table(pair, curves), ov.delta2_table(pair, curves)
    for fix in ov.FIXES:
        alone = [ov.errors(m, curves, fix) for m in pair]
        assert table[fix] == {r: float(np.mean([e[r] for e in alone])) for r in ov.REGIONS}
        assert smooth[fix] == float(np.mean([ov.delta2_error(m, curves, fix) for m in pair]))


@pytest.mark.parametrize("length, kernel, stride",
                         [(15, 7, 4), (16, 8, 4), (11, 3, 2), (12, 4, 2), (19, 7, 4)])
def test_borders_are_the_samples_only_one_windows_outer_taps_reach(length, kernel, stride):
    """The video says why the inside is 3-11: the borders are the samples only one window's outer
    taps reach (3, 7 and 11 get one window's middle tap); the same rule gives kernel 8's 0-3."""
    np.testing.assert_array_equal(ov.outer_only(length, kernel, stride),
                                  ov.regions(length, kernel, stride)["borders"])
    assert list(np.flatnonzero(ov.outer_only())) == [0, 1, 2, 12, 13, 14]
