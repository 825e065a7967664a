"""The assembled model and the overlap fixes, on known cases and on the shipped models (C8-C10)."""

import numpy as np
import pytest

from core import overlap as ov
from core import weights


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
