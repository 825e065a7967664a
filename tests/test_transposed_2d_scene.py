"""The transposed-convolution explainer rendered for a 2-D DECONV_CONV setting: every number drawn is
core.conv's / core.explain's for that setting. A file of its own (the suite's workers take a file
each), so that its render and the default one run side by side."""

import os

import numpy as np
import pytest
from conftest import check_render, render_explainer
from test_transposed_scene import SECTIONS

from core import conv
from core import explain as ex

TWO_D = "size=3x3 kernel=3 stride=2 padding=1 output_padding=1"


@pytest.fixture(scope="module")
def render_2d(tmp_path_factory):
    old = os.environ.get(ex.ENV)
    os.environ[ex.ENV] = TWO_D
    try:
        return render_explainer("transposed", tmp_path_factory.mktemp("media"))
    finally:
        if old is None:
            del os.environ[ex.ENV]
        else:
            os.environ[ex.ENV] = old


def test_the_2d_render_too(render_2d):
    check_render(render_2d, SECTIONS, 100, 240)


def test_a_2d_setting_explains_that_setting(render_2d):
    s = ex.parse(TWO_D)
    b = ex.of_setting(s)
    x, w = ex.example(s)
    want = conv.conv_transpose2d(x, w, None, 2, 1, 1)
    np.testing.assert_array_equal(b.output, want)
    np.testing.assert_array_equal(render_2d.values("stamp", "stamped sum"), b.full[0])
    np.testing.assert_array_equal(render_2d.values("output-length", "output"), want[0])
    np.testing.assert_array_equal(render_2d.values("zero-insertion", "output"), want[0])
    z = conv.zero_inserted(x, (3, 3), 2, 1, 1, 1)[0]
    np.testing.assert_array_equal(render_2d.values("zero-insertion", "zero-inserted input"), z)
    np.testing.assert_array_equal(render_2d.values("zero-insertion", "flipped kernel"), w[0, 0, ::-1, ::-1])
    ct = render_2d.values("matrix", "C transposed")  # column j: the stamp of input pixel j, flattened
    for j in range(ct.shape[1]):
        e = np.zeros((1, 3, 3))
        e[0].flat[j] = 1
        np.testing.assert_array_equal(ct[:, j], conv.conv_transpose2d(e, w, None, 2, 1, 1).ravel()[: len(ct)])
    np.testing.assert_array_equal(render_2d.values("in-2-d", "stamps per pixel"), b.counts[b.kept()])
    said = render_2d.said()
    assert "Rows: (3 − 1) × 2 − 2 × 1 + 1 × (3 − 1) + 1 + 1 = 6." in said
    assert "Pixel (2, 2) of the sum gets 4 stamps: 5 + 6 + 3 + 2 = 16." in said
    assert "its rank is 9 of 36" in said
