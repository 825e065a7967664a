"""The overlap video: its curves and numbers are core.overlap's, computed from the checkpoint."""

from pathlib import Path

import numpy as np
import pytest
from conftest import render_fast, render_sections

from core import overlap as ov
from core import weights
from scenes.overlap import OverlapScene

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["assemble", "why", "halve", "taper", "normalise", "in-2-d"]


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    return render_fast(OverlapScene, tmp_path_factory.mktemp("media"))


def test_curves_drawn_are_the_assembled_model_with_each_fix(scene):
    ck = weights.load_checkpoint("plain", 22)
    codes = ov.encode_curves(ck, scene.curve)
    np.testing.assert_allclose(scene.assemble_parts["total"].drawn_values(), ov.decode_codes(ck, codes)[0],
                               atol=1e-9)
    for w, sig in enumerate(scene.assemble_parts["placed"]):
        np.testing.assert_allclose(sig.drawn_values(), codes[0, :, w] @ ck.dec_w, atol=1e-9)
    for fix in ("halved", "tapered"):
        np.testing.assert_allclose(scene.fix_parts[fix]["out"].drawn_values(),
                                   ov.decode_codes(ck, codes, fix)[0], atol=1e-9)
        for i, sig in enumerate(scene.fix_parts[fix]["filters"]):
            np.testing.assert_allclose(sig.drawn_values(), ck.dec_w[i] * ov.FIXES[fix], atol=1e-9)
    np.testing.assert_allclose(scene.normalise_parts["out"].drawn_values(),
                               ov.decode_codes(ck, codes, "normalised")[0], atol=1e-9)
    assert scene.why_parts["counts"] == list(ov.coverage())
    assert scene.normalise_parts["best"] == "normalised"


@pytest.mark.slow
def test_renders_with_named_sections(tmp_path):
    _, sections = render_sections("overlap", "OverlapScene", tmp_path)
    assert [s["name"] for s in sections] == SECTIONS
