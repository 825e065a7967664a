"""Analysis functions on cases with known answers, then the article's claims on the shipped models."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import analysis as an
from core import data, weights


def _model(enc_w, enc_b, dec_w, dec_b=0.0):
    return weights.Checkpoint("test", 0, None, np.asarray(enc_w, float), np.asarray(enc_b, float),
                              np.asarray(dec_w, float), dec_b, np.zeros(0))


def test_there_are_48_signed_permutations():
    assert len(an.SIGNED_PERMUTATIONS) == 48 == len(set(an.SIGNED_PERMUTATIONS))


@pytest.mark.parametrize("k", [0, 7, 21, 47])
def test_a_permuted_sign_flipped_copy_aligns_back_exactly(k):
    rng = np.random.default_rng(k)
    ref = rng.normal(size=(3, 7))
    perm, signs = an.SIGNED_PERMUTATIONS[k]
    copy = np.empty_like(ref)
    for i in range(3):  # copy[perm[i]] = signs[i] * ref[i]
        copy[perm[i]] = signs[i] * ref[i]
    a = an.match_filters(copy, ref)
    np.testing.assert_array_equal(a.aligned, ref)
    np.testing.assert_allclose(a.cosines, 1.0)
    assert a.score == pytest.approx(1.0)


def _match_one_by_one(filters, reference, flips=True):
    """match_filters as first written: each of the 48 candidates scored on its own, in order."""
    best = None
    for perm, signs in an.SIGNED_PERMUTATIONS:
        if not flips and min(signs) < 0:
            continue
        aligned = np.array(signs)[:, None] * filters[list(perm)]
        na, nb = np.linalg.norm(aligned, axis=1), np.linalg.norm(reference, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            cos = np.nan_to_num(np.sum(aligned * reference, axis=1) / (na * nb))
        if best is None or cos.sum() > best[2].sum() + 1e-12:
            best = (perm, signs, cos, aligned)
    return best


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.sampled_from(["normal", "zero row", "ties", "tiny"]))
def test_matching_all_candidates_at_once_picks_what_one_by_one_did(seed, flips, kind):
    """The array form of match_filters gives the same order, signs, aligned filters and cosines as
    scoring the 48 candidates one by one: on random filters, with an all-zero filter (cosine 0), with
    ties (two identical filters, or a reference row repeated) and on tiny values."""
    rng = np.random.default_rng(seed)
    filters, reference = rng.normal(size=(3, 7)), rng.normal(size=(3, 7))
    if kind == "zero row":
        filters[rng.integers(3)] = 0.0
    elif kind == "ties":
        filters[1] = filters[0]
        reference[2] = reference[0]
    elif kind == "tiny":
        filters *= 1e-150
    perm, signs, cos, aligned = _match_one_by_one(filters, reference, flips)
    got = an.match_filters(filters, reference, flips)
    assert (got.perm, got.signs) == (perm, signs)
    np.testing.assert_array_equal(got.aligned, aligned)
    np.testing.assert_allclose(got.cosines, cos, rtol=1e-14, atol=1e-15)


def test_aligned_model_computes_the_same(patches):
    ck = weights.load_checkpoint("plain", 33)
    ref = weights.load_checkpoint("plain", 22)
    al = an.align_model(ck, ref)
    moved = _model(al["enc_w"], al["enc_b"], al["dec_w"], ck.dec_b)
    x = patches[:500].astype(float)
    np.testing.assert_allclose(moved.decode(moved.encode(x)), ck.decode(ck.encode(x)), atol=1e-12)


def test_consistency_is_one_for_copies_and_low_for_unrelated():
    rng = np.random.default_rng(1)
    ref = rng.normal(size=(3, 7))
    copies = [ref, -ref[[2, 0, 1]], ref[[1, 0, 2]] * [[1], [-1], [1]]]
    assert an.consistency(copies) == pytest.approx(1.0)
    unrelated = [rng.normal(size=(3, 7)) for _ in range(6)]
    assert an.consistency(unrelated) < 0.8
    with pytest.raises(ValueError):
        an.consistency([ref])


def test_zeroing_a_component_whose_filter_is_zero_costs_nothing(patches):
    ck = weights.load_checkpoint("plain", 22)
    dec = ck.dec_w.copy()
    dec[1] = 0.0
    m = _model(ck.enc_w, ck.enc_b, dec, ck.dec_b)
    x = patches[:2000].astype(float)
    inc = an.ablation(m, x)
    assert inc[1] == 0.0 and inc[0] > 0 and inc[2] > 0
    assert an.reconstruction_loss(ck, x) == pytest.approx(np.mean((ck.decode(ck.encode(x)) - x) ** 2))


def test_similar_points_share_one_value_and_differ_most():
    curves = np.array([[0.0, 0.5, 0.0], [1.0, 0.501, 1.0], [0.1, 0.499, 0.1], [3.0, 0.9, 3.0],
                       [-2.0, 0.5, -2.0]])
    got = an.similar_points(curves, index=0, sample=1, tol=0.005, n=2)
    assert list(got) == [4, 1]  # within tolerance at sample 1, the farthest first; 3 is not close
    curves = data.make_curves()[0]
    idx = an.similar_points(curves, 14, 5, tol=0.005, n=3)
    assert len(idx) == 3 and 14 not in idx
    assert np.all(np.abs(curves[idx, 5] - curves[14, 5]) <= 0.005)
    d = np.linalg.norm(curves[idx] - curves[14], axis=1)
    assert np.all(np.diff(d) <= 0)


def test_jaggedness_ranks_filters_as_the_eye_does():
    ramp, bump = np.arange(7.0), np.sin(np.linspace(0, np.pi, 7))
    zigzag = np.array([1, -1, 1, -1, 1, -1, 1.0])
    got = an.jaggedness(np.stack([ramp, bump, zigzag, 5 * bump]))
    assert got[0] == 0 and got[3] == pytest.approx(got[1])  # a line is 0; size does not matter
    assert got[1] < 0.2 and got[2] == pytest.approx(5 * 16 / 7)  # a smooth bump low, a zigzag high
    assert an.jaggedness(np.zeros(7))[0] == 0
    # a smooth bump with a large peak (what total variation over range scored as rough) stays smooth
    wide = np.array([0.1, 0.5, 2.0, 6.5, 2.0, 0.5, 0.1])
    assert an.jaggedness(wide)[0] < an.jaggedness(bump + 0.3 * zigzag)[0]
    rand = np.mean([an.jaggedness(f).mean() for f in an.random_filters(200)])
    assert rand == pytest.approx(30 / 7, rel=0.1)  # E|second difference|^2 = 6 per tap, 5 of them


def test_consistency_baseline_is_what_random_filters_score():
    base = an.consistency_baseline(10)
    assert 0.3 < base < 0.6  # best of 48 orders and signs of unrelated filters: far from 1
    assert an.consistency_baseline(10, flips=False) < base  # fewer ways to match, lower
    f = an.random_filters(1)[0]
    assert an.consistency([f, -f[[2, 0, 1]]]) == pytest.approx(1)  # flipped and renumbered: the same
    assert an.consistency([f, -f[[2, 0, 1]]], flips=False) < 0.9  # unless flips are not allowed


# --- the article's claims, measured on the shipped checkpoints ---------------------------------------
@pytest.fixture(scope="module")
def variants():
    return {v: weights.load_all(variant=v) for v in ("plain", "code-noise", "input-noise")}


def test_c5_code_noise_makes_filters_consistent_across_seeds(variants):
    plain = an.consistency([m.dec_w for m in variants["plain"]])
    noisy = an.consistency([m.dec_w for m in variants["code-noise"]])
    assert noisy > 0.99 and noisy > plain + 0.05


def test_c6_noisiest_component_costs_least(variants, patches):
    x = patches.astype(float)
    noisy, _ = an.ablation_summary(variants["code-noise"], x)
    assert noisy[0] < noisy[1] < noisy[2] and noisy[0] < noisy[2] / 20  # std 0.1 channel least
    plain, _ = an.ablation_summary(variants["plain"], x)
    assert plain.max() < 1.5 * plain.min()  # plain: every component about the same


def test_c7_input_noise_smooths_the_encoder(variants):
    plain = np.array([an.jaggedness(m.enc_w) for m in variants["plain"]])
    smooth = np.array([an.jaggedness(m.enc_w) for m in variants["input-noise"]])
    assert smooth.mean(axis=0).max() < plain.mean(axis=0).min()  # every channel, on average over seeds
    assert smooth[:, 1:].max() < plain.min()  # channels 2 and 3: smoother than any plain filter
    largest = np.mean([np.abs(m.enc_w).max(axis=1) for m in variants["input-noise"]], axis=0)
    assert largest[0] > 5 * largest[1] > 25 * largest[2]  # the noisiest channel's filter grows largest


def test_look_alike_fan_picks_the_sample_where_look_alikes_differ_most():
    x = np.linspace(0, 1, 5)
    base = np.sin(np.pi * x)
    curves = np.stack([base,
                       base + [0, 0.001, 0.3, 0.2, 0],  # shares samples 1 (and nearly nothing else)
                       base + [0, 0.002, 0.2, 0.1, 0],
                       base + [0, 0.003, 0.1, 0.05, 0],
                       base + [0, 0.2, 0.001, 0.2, 0],  # shares sample 2 only, but differs less
                       base + [0, 0.1, 0.002, 0.1, 0],
                       base + [0, 0.15, 0.003, 0.15, 0]])
    sample, picks = an.look_alike_fan(curves, 0, tol=0.005, n=3)
    assert sample == 1
    assert list(picks) == [1, 2, 3]  # the furthest, then about 2/3 and 1/3 as far
    assert np.all(np.abs(curves[picks, sample] - curves[0, sample]) <= 0.005)
    with pytest.raises(ValueError, match="no sample has 4 curves"):
        an.look_alike_fan(curves, 0, tol=0.005, n=4)
