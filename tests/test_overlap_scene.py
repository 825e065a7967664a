"""The overlap video: its curves, numbers and subtitles are core.overlap's, computed from the
checkpoint."""

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import check_subtitles, render_fast, render_sections

from core import data, weights
from core import overlap as ov
from scenes.common import Captions
from scenes.overlap import OverlapScene

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["assemble", "why", "halve", "taper", "normalise", "in-2-d"]
NUMBER = re.compile(r"\d+\.\d+(?:e[-+]\d+)?")


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
def test_renders_with_named_sections_and_subtitles(tmp_path):
    out, sections = render_sections("overlap", "OverlapScene", tmp_path)
    assert [s["name"] for s in sections] == SECTIONS
    cues = check_subtitles(out, "OverlapScene")  # valid SRT beside the video, every section captioned
    numbers = [float(x) for c in cues for x in NUMBER.findall(c.text)]
    halved = ov.errors(weights.load_checkpoint("plain", 22), data.make_curves()[0], "halved")
    assert float(f"{halved['borders']:.1e}") in numbers  # the error table's value, as the table prints it


def test_subtitles_are_readable_and_follow_the_error_table(scene):
    assert scene.captions.problems() == []
    text = " ".join(t.replace("\n", " ") for *_, t in scene.captions.cues)
    for fix in ("halved", "tapered"):
        before, after = scene.errors["raw"], scene.errors[fix]
        assert f"from {before['interior']:.1e} to {after['interior']:.1e}" in text
        assert f"from {before['borders']:.1e} to {after['borders']:.1e}" in text
    assert f"Best: {scene.normalise_parts['best']}" in text
    assert "every inside pixel gets 4 windows" in text  # kernel 4, stride 2 (ov.coverage)


def test_captions_share_their_time_and_break_lines():
    class Clock:
        time = 0.0
        said = []

        def add_subcaption(self, text, duration, offset):
            self.said.append((self.time + offset, self.time + offset + duration, text))

    clock = Clock()
    captions = Captions(clock)
    captions.say("a" * 10, "b " * 15)
    clock.time = 4.0
    captions.say("")  # nothing to show: closes the open cues and opens none
    clock.time = 9.0
    captions.close()
    assert [(a, b) for a, b, _ in clock.said] == [(0.0, 1.5), (1.5, 4.0)]  # at least 1.5 s each
    assert Captions.lines("word " * 12).count("\n") == 1
    with pytest.raises(ValueError):
        captions.say("x" * (2 * Captions.LINE + 1))
