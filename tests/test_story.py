"""The numbers behind the explainers and figures, fast (no render): core.story's examples and codes,
and the checkpoint's decoder as PyTorch's ConvTranspose1d (core.conv itself: tests/test_conv.py)."""

import numpy as np
import pytest
import torch

from core import data, story, weights
from core import overlap as ov


@pytest.fixture(scope="module")
def plain():
    return weights.load_checkpoint("plain", 22)


def test_the_checkpoints_decoder_is_its_convtranspose1d(plain):
    """Checkpoint.decode_windows (which the scenes, figures and overlap fixes use) is the article's
    ConvTranspose1d(3, 1, 7, stride 4) with the checkpoint's weights."""
    layer = torch.nn.ConvTranspose1d(3, 1, data.KERNEL, data.STRIDE).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(plain.dec_w[:, None, :]))
        layer.bias.copy_(torch.tensor([plain.dec_b]))
    codes = np.random.default_rng(0).normal(size=(5, 3, 3))
    want = layer(torch.tensor(codes)).detach().numpy()[:, 0]
    np.testing.assert_allclose(plain.decode_windows(codes), want, atol=1e-12)
    np.testing.assert_allclose(ov.decode_codes(plain, codes, "raw"), want, atol=1e-12)


def test_the_example_curve_and_patch():
    idx, curve = story.demo_curve()
    curves = data.make_curves()[0]
    assert idx == int(np.argmax(np.ptp(curves[: story.DEMO_POOL], axis=1)))
    np.testing.assert_array_equal(curve, curves[idx])
    i, start, patch = story.demo_patch()
    assert i == idx and start == data.patch_starts()[idx]
    np.testing.assert_array_equal(patch, data.make_patches(curves)[idx].astype(np.float64))
    np.testing.assert_array_equal(story.f5_indices(), [0, 3276, 6553, 9829, 13106, 16383])


def test_windows_of_the_example_are_the_transposed_convolution(plain):
    idx, curve = story.demo_curve()
    w = story.windows(plain, curve)
    assert w.starts == [0, 4, 8] and w.doubled == [4, 5, 6, 8, 9, 10]
    np.testing.assert_array_equal(w.coverage, [1, 1, 1, 1, 2, 2, 2, 1, 2, 2, 2, 1, 1, 1, 1])
    np.testing.assert_allclose(
        w.codes, plain.encode(np.stack([curve[s : s + 7] for s in (0, 4, 8)])).T, atol=1e-12
    )
    total = np.zeros(15)
    for s, piece in zip(w.starts, w.pieces):  # the scatter, written out
        total[s : s + 7] += piece
    np.testing.assert_allclose(w.output, total + plain.dec_b, atol=1e-12)
    # C8: where two windows overlap the output comes out about twice the curve
    ratio = (w.output[w.doubled] - plain.dec_b) / curve[w.doubled]
    assert np.all((ratio > 1.7) & (ratio < 2.3))


def test_encoder_steps_are_dot_products_then_tanh(plain):
    _, _, patch = story.demo_patch()
    steps = story.encoder_steps(plain, patch)
    np.testing.assert_allclose(steps["sums"], [patch @ plain.enc_w[i] for i in range(3)], atol=1e-12)
    np.testing.assert_allclose(steps["pre"], steps["sums"] + plain.enc_b, atol=1e-12)
    np.testing.assert_allclose(steps["code"], np.tanh(steps["pre"]), atol=1e-15)
    assert story.running_sum(steps["products"][0], 0) == 0
    assert story.running_sum(steps["products"][0], 7) == pytest.approx(steps["sums"][0])
    assert story.running_sum(steps["products"][0], 2.5) == pytest.approx(
        steps["products"][0][:2].sum() + 0.5 * steps["products"][0][2]
    )


def test_code_paths_of_the_animations(plain, patches):
    ext = story.code_extent(plain)
    inside = np.mean(np.abs(plain.encode(patches)) <= ext, axis=0)
    np.testing.assert_allclose(inside, 0.95, atol=1e-3)
    for k in range(3):
        path = story.sweep_codes(ext, k)
        assert np.all(np.delete(path, k, axis=1) == 0) and path[:, k].max() == pytest.approx(ext[k])
    path, start = story.cloud_path(plain)  # A4: codes of patches made as the data's are
    assert path.shape == (601, 3) and 0 <= start <= data.WINSIZE - data.PATCH
    assert np.abs(path[0]).max() < 0.02 and np.all(np.ptp(path, axis=0) > ext)  # from about 0, wide
    np.testing.assert_allclose(story.along(path, 0.5), path[300])
    np.testing.assert_allclose(story.along(path, 0.5 + 0.5 / 600), (path[300] + path[301]) / 2)
    # its distance from the cloud of real codes: the same number as every distance taken whole
    part = path[::40]
    points = np.vstack([part, (part[1:] + part[:-1]) / 2])
    whole = np.sqrt(((points[:, None, :] - story.real_codes(plain)[None]) ** 2).sum(-1)).min(axis=1).max()
    assert story.cloud_distance(plain, part) == whole > 0
    assert story.cloud_distance(plain, part[:3]) < whole  # a shorter path, nearer the flat curve's code


def test_model_for_a_seed():
    models = weights.load_all(variant="plain")
    assert story.model_for(models, 33).seed == 33
    assert story.model_for(models, 999).seed == models[0].seed
    with pytest.raises(ValueError):
        story.model_for([], 22)


def test_region_samples_and_fixed_outputs(plain):
    assert story.region_samples() == {"whole": "0-14", "interior": "3-11", "borders": "0-2, 12-14"}
    outs = story.fixed_outputs(plain, story.demo_curve()[1])
    codes = plain.encode_windows(story.demo_curve()[1])
    for fix in ov.FIXES:
        np.testing.assert_allclose(outs[fix], ov.decode_codes(plain, codes, fix)[0], atol=1e-12)
