"""The narration's words (core.speech): the written form of a subtitle turned into what a voice says,
and the check that nothing is left that a voice would spell out or skip. Every cue the six videos
say is checked in their render tests (conftest.check_render); here, the rules one by one."""

import pytest

from core.speech import sentence_id, spoken, unspeakable


@pytest.mark.parametrize("written, said", [
    # the issue's own examples
    ("1.2e-04", "1.2 times ten to the minus 4"),
    ("(3 − 1)·4 + 7 = 15", "3 minus 1, times 4, plus 7, is 15"),
    ("Cᵀ", "C transposed"),
    ("c1", "c one"),
    ("ConvTranspose1d", "conv transpose 1 d"),
    ("x ≤ 3", "x at most 3"),
    # numbers and their signs
    ("p1 = -0.58, p2 = +0.98.", "p one is minus 0.58, p two is plus 0.98."),
    ("a loss below 1e-4 enough", "a loss below ten to the minus 4 enough"),
    ("ends at 1.60e-05,", "ends at 1.6 times ten to the minus 5,"),  # trailing zeros are not said
    ("mean square error 1.0e-05.", "mean square error 1 times ten to the minus 5."),
    ("falls from 5.2e-02 to 1.2e-05.", "falls from 0.052 to 1.2 times ten to the minus 5."),
    ("rises from 3.0e-05 to 2.5e-03,", "rises from 3 times ten to the minus 5, to 0.0025,"),
    ("The code: c1 = +0.00, c2 = +0.10.", "The code: c one is zero, c two is plus 0.1."),
    ("within ±0.16 and 95% of them", "within plus or minus 0.16 and 95 percent of them"),
    ("any number into -1..1;", "any number into minus 1 to 1;"),
    ("samples 4-6 and 8-10.", "samples 4 to 6 and 8 to 10."),
    ("plain 1.2x to 3.2x, code-noise 115x.", "plain 1.2 fold to 3.2 fold, code-noise 115 fold."),
    ("each line up is 10x more", "each line up is 10 times more"),
    ("more than 9x its noise", "more than 9 times its noise"),
    ("at most 3.2x apart", "at most a factor of 3.2 apart"),
    ("a 3x3 kernel", "a 3 by 3 kernel"),
    ("of 16,384 curves", "of 16,384 curves"),
    # arithmetic: a pause where the grouping needs one
    ("output = c1·f1 + c2·f2 + b", "output is c one times f one, plus c two times f two, plus b"),
    ("0.6630 + 0.6474 = 1.3104", "0.663 plus 0.6474 is 1.3104"),
    ("Filter 1 (blue) times c1 = +0.20: it shrinks.",
     "Filter 1, in blue, times c one, which is plus 0.2: it shrinks."),
    ("They add; plus b = -0.0016: 1.3088", "They add; plus b, which is minus 0.0016: 1.3088"),
    ("5 + 6 + 3 + 2 = 16", "5 plus 6 plus 3 plus 2, is 16"),
    ("(3 − 1) × 4 − 2 × 0 + 1 × (7 − 1) + 0 + 1 = 15",
     "3 minus 1, times 4, minus 2 times 0, plus 1 times the quantity 7 minus 1, plus 0 plus 1, is 15"),
    ("2 ÷ 2 = 1", "2 divided by 2 is 1"),
    ("x[j] − 2x[j+1] + x[j+2]", "x at j, minus twice x at j-plus-one, plus x at j-plus-two"),
    # brackets: an aside, a list of numbers
    ("Filter 1 (blue) first: each sample.", "Filter 1, in blue, first: each sample."),
    ("7 samples (grey box), one column", "7 samples, grey box, one column"),
    ("from (0, 0) to (1, 0), pulled", "from the point 0, 0 to the point 1, 0, pulled"),
    ("Pixel (2, 2) gets 4 stamps", "Pixel 2, 2 gets 4 stamps"),
    ("Another code, [0.1, 0.1, 0.2]: each", "Another code, 0.1, 0.1, 0.2: each"),
    # words a voice reads wrongly
    ("tanh squashes", "tan h squashes"),
    ("a cubic Bezier", "a cubic Bayzeeay"),
    ("ReLU has no ceiling", "ray-loo has no ceiling"),
    ("The dashed ring is 2 std: about", "The dashed ring is 2 standard deviations: about"),
    ("moves by 0.123 (rms) for plain", "moves by 0.123, root mean square, for plain"),
    ("output_padding keeps one more", "output padding keeps one more"),
    ("In 2-D, a 7-tap kernel", "In 2 D, a kernel of 7 taps"),
    ("Trained on single 7-sample patches,", "Trained on single patches of 7 samples,"),
    ("Δ² error 1.9e-02", "delta-two error 0.019"),
    ("Python counts from 0: '1 :' is c2", "Python counts from 0: the slice 1 colon is c two"),
    ("as in the article “Visualizing the Deconvolution Operation”.",
     "as in the article titled Visualizing the Deconvolution Operation."),
    ("The article “Visualizing the Deconvolution Operation” halves all taps",
     "The article titled Visualizing the Deconvolution Operation, halves all taps"),
    ("Loss increase: plain left, code-noise right.",
     "Loss increase: plain on the left, code-noise on the right."),
    ("Right: what it decodes to. Top left: the outputs",
     "On the right: what it decodes to. Top left: the outputs"),
    ("the order 1 < 2 < 3 holds", "the order 1 less than 2 less than 3 holds"),
    ("i × stride", "i times stride"),
])
def test_spoken_forms(written, said):
    assert spoken(written) == said
    assert unspeakable(said) == []


@pytest.mark.parametrize("raw, bad", [
    ("c1 goes up", ["c1"]),
    ("the MSE falls", ["MSE"]),
    ("x = 3", ["="]),
    ("Cᵀ C", ["ᵀ"]),
    ("1.2e-04", ["1.2e-04"]),
    ("a 3x3 kernel", ["3x3"]),
    ("(blue)", ["(", ")"]),
])
def test_unspeakable_names_what_a_voice_would_spell_or_skip(raw, bad):
    found = unspeakable(raw)
    assert all(any(b in f for f in found) for b in bad), found
    assert unspeakable(spoken(raw)) == []


def test_plain_words_and_numbers_are_speakable():
    assert unspeakable("Window 1's code: minus 0.065, 16,384 patches; the data-like loop.") == []


def test_a_sentence_id_names_its_section_its_place_and_its_words():
    a = sentence_id("weighted-sum", 3, "The code: c1 = +0.00.")
    assert a.startswith("weighted-sum-03-") and len(a.rsplit("-", 1)[1]) == 6
    assert sentence_id("weighted-sum", 3, "The code:  c1 = +0.00.") == a  # spacing is not a word
    assert sentence_id("weighted-sum", 3, "The code: c1 = +0.10.") != a  # another model's number
    assert sentence_id("weighted-sum", 4, "The code: c1 = +0.00.") != a
