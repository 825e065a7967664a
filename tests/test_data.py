import numpy as np
import pytest

from core import article, data


@pytest.fixture(scope="module")
def article_1200():
    return article.article_curves(1200)


def test_curves_equal_article_loop(article_1200, curves_and_params):
    ref, ref_params, _ = article_1200
    curves, params = curves_and_params
    assert curves.shape == (16384, 15) and curves.dtype == np.float64
    np.testing.assert_array_equal(params[:1200], ref_params)
    assert np.max(np.abs(curves[:1200] - ref)) <= 1e-12
    # in fact the floats are identical
    np.testing.assert_array_equal(curves[:1200], ref)


def test_argmin_choices_equal_article(article_1200):
    _, _, picks = article_1200
    a, b = data._resampling_coefficients()
    # the dense index the article picked for each sample is the same for every curve...
    assert all(p == picks[0] for p in picks)
    # ...and our coefficients are the Bezier weights at exactly those t
    ts = np.linspace(0, 1, 150)
    t = ts[picks[0]]
    np.testing.assert_array_equal(a, 3 * (1 - t) ** 2 * t)
    np.testing.assert_array_equal(b, 3 * (1 - t) * t**2)
    assert picks[0][0] == 0 and picks[0][-1] == 149


def test_data_range_and_params(curves_and_params):
    curves, params = curves_and_params
    assert -0.75 < curves.min() < -0.73 and 0.74 < curves.max() < 0.76
    assert params.shape == (16384, 2) and np.all(np.abs(params) <= 1)
    np.testing.assert_array_equal(curves[:, 0], 0.0)  # curves start and end at y = 0
    np.testing.assert_array_equal(curves[:, -1], 0.0)
    np.testing.assert_array_equal(data.curves_from_params(params[:5]), curves[:5])


def test_patches_cut_as_article(curves_and_params):
    curves = curves_and_params[0]
    patches = data.make_patches(curves)
    assert patches.shape == (16384, 7) and patches.dtype == np.float32
    ref = article.article_patches(curves)
    np.testing.assert_array_equal(patches, ref.astype(np.float32))
    starts = data.patch_starts()
    assert starts.min() == 0 and starts.max() == 7


def test_params_shape_is_checked():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        data.curves_from_params(np.zeros((3, 3)))


def test_dense_curve_and_resampling_as_the_article(article_1200, curves_and_params):
    _, _, picks = article_1200
    assert data.resample_indices() == tuple(picks[0])
    curves, params = curves_and_params
    for k in (0, 7, 999):
        xs, ys = data.dense_bezier(*params[k])
        ref_x, ref_y = article.get_curve_points(*params[k], 150)
        np.testing.assert_allclose(xs, ref_x, atol=1e-15)
        np.testing.assert_allclose(ys, ref_y, atol=1e-15)
        np.testing.assert_allclose(ys[list(data.resample_indices())], curves[k], atol=1e-15)


@pytest.mark.parametrize("n, chunk", [(1000, 333), (1000, 1000), (1000, 4096), (1, 1)])
def test_curve_chunks_are_make_curves_in_pieces(n, chunk):
    """`deconv data` writes these pieces: stacked, they are make_curves bit for bit (one random stream)."""
    curves, params = data.make_curves(n, 7)
    parts = list(data.curve_chunks(n, 7, chunk))
    assert [len(c) for c, _ in parts] == [min(chunk, n - k) for k in range(0, n, chunk)]
    np.testing.assert_array_equal(np.vstack([c for c, _ in parts]), curves)
    np.testing.assert_array_equal(np.vstack([p for _, p in parts]), params)
