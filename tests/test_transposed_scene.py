"""The transposed-convolution explainer, rendered with the article's decoder and the small examples
(a 2-D DECONV_CONV's render: test_transposed_2d_scene.py): every number drawn is core.conv's /
core.explain's for that setting, the subtitles are read at most 17 characters a second, each
section ends on its payoff, and a setting PyTorch refuses stops the render with one line."""

import os
import re

import numpy as np
import pytest
from conftest import ROOT, assert_usage_error, check_render, manim, render_explainer

from core import conv, data, story
from core import explain as ex

SECTIONS = ["by-hand", "stamp", "output-length", "output-padding-and-dilation", "zero-insertion", "matrix",
            "not-an-inverse", "in-2-d"]


@pytest.fixture(scope="module")
def render(tmp_path_factory):
    return render_explainer("transposed", tmp_path_factory.mktemp("media"))


def test_sections_subtitles_at_reading_pace_and_payoff_endings(render):
    check_render(render, SECTIONS, 100, 340)  # at most 17 characters a second, each clip ends on its result


def test_by_hand_each_copy_lands_at_i_times_stride_and_the_columns_add(render):
    """The opening example, 1, 2, 3 with kernel 1, 2, 3 at stride 2: drawn as core.conv computes it
    (checked against torch in test_conv), each scaled copy where it landed, the overlaps said."""
    b = ex.by_hand()
    assert b.x.tolist() == [[1, 2, 3]] and b.weight.tolist() == [[[1, 2, 3]]] and b.stride == (2,)
    np.testing.assert_array_equal(render.values("by-hand", "input"), b.x)
    np.testing.assert_array_equal(render.values("by-hand", "kernel"), b.weight[0])
    out = render.values("by-hand", "output")[0]
    np.testing.assert_array_equal(out, conv.conv_transpose(b.x, b.weight, None, 2, dims=1)[0])
    pictures = render.scene.pictures["by-hand"]
    for i in range(3):  # each copy: input i times the kernel, its first number over sample i × stride
        stamp = pictures[f"stamp {i}"]
        np.testing.assert_array_equal(stamp.values[0], b.x[0, i] * b.weight[0, 0])
        assert abs(stamp.cell(0, 0).get_x() - pictures["output"].cell(0, 2 * i).get_x()) < 1e-6
    said = render.said("by-hand")
    assert said.startswith("How does a transposed convolution turn three numbers into seven?")
    assert "That copy lands at 2 × 2 = 4." in said
    assert "Where two copies overlap, they add: 3 + 2 = 5; 6 + 3 = 9." in said
    assert "model" not in said and "decoder" not in said  # no model in this section


def test_the_channels_copies_add_as_written(render, plain):
    """Position 0's three copies slide into one stamp; one tap's sum is written out, at enough places
    that it adds up as written, at a tap where the copies differ in sign."""
    codes = plain.encode_windows(story.demo_curve()[1])
    copies = codes[:, 0, None] * plain.dec_w.astype(np.float64)  # (channel, tap)
    shown = render.values("stamp", "tap sum")
    (m,) = re.findall(r"Tap (\d+): ([-\d. +]+) = (-?[\d.]+)\.", render.said("stamp"))
    t, places = int(m[0]), len(m[2].split(".")[1])
    np.testing.assert_allclose(shown, [*copies[:, t], copies[:, t].sum()], atol=1e-9)
    assert copies[:, t].min() < 0 < copies[:, t].max()
    written = [float(v) for v in m[1].replace(" - ", " + -").split(" + ")]
    assert written == [round(v, places) for v in copies[:, t]]
    assert f"{sum(written):.{places}f}" == m[2] == f"{copies[:, t].sum():.{places}f}"


def test_the_copies_drawn_are_their_factors_as_written_multiplied(render):
    """Each channel's copy is its code number times its kernel: multiplied as written on screen, the
    two factors give the copy as written (the code is written with the places that takes)."""
    from core.subtitles import as_written

    pictures = render.scene.pictures["stamp"]
    xin, kern = pictures["input"], pictures["kernel"]
    wrong = []
    for c in range(3):
        copy = pictures[f"channel {c + 1} copy"]
        for t in range(data.KERNEL):
            x, k, v = xin.values[c, 0], kern.values[c, t], copy.values[0, t]
            u, w = (float(g.show(a)) for g, a in ((xin, x), (kern, k)))
            if copy.show(u * w) != copy.show(v):
                wrong.append((xin.show(x), kern.show(k), copy.show(v)))
            assert as_written(x, len(xin.show(x).split(".")[1])) == u
    assert wrong == []


def test_no_section_points_at_another_video_but_the_last_close(render):
    """Each section is a clip a presenter can cut out: only the last sentence may name the next video."""
    *cues, last = [c.text.replace("\n", " ") for c in render.cues]
    assert [c for c in cues if re.search(r"\bvideo\b|article's animation", c)] == []
    assert "the overlap video, next" in last


def test_stamps_are_the_article_decoder_on_the_example_code(render, plain):
    curve = story.demo_curve()[1]
    codes = plain.encode_windows(curve)
    np.testing.assert_allclose(render.values("stamp", "input"), codes, atol=1e-12)
    np.testing.assert_allclose(render.values("stamp", "kernel"), plain.dec_w, atol=1e-7)
    for i in range(3):  # each position's stamp: the channels' copies added, at i * stride
        row = render.values("stamp", f"stamp {i}")[0]
        at = np.arange(data.KERNEL) + i * data.STRIDE
        np.testing.assert_allclose(row[at], codes[:, i] @ plain.dec_w, atol=1e-9)
        assert np.isnan(np.delete(row, at)).all()
    np.testing.assert_allclose(render.values("stamp", "output")[0], plain.decode_windows(codes), atol=1e-9)
    said = render.said("stamp")
    assert "Each stamp lands 4 samples after the last" in said
    for c in range(3):  # position 0's copy of each channel's kernel, before they add into its stamp
        copy = render.values("stamp", f"channel {c + 1} copy")[0][: data.KERNEL]
        np.testing.assert_allclose(copy, codes[c, 0] * plain.dec_w[c], atol=1e-9)
    pieces = codes.T @ plain.dec_w.astype(np.float64)
    assert f"Sample 4 gets 2 stamps: {pieces[0, 4]:.3f} + {pieces[1, 0]:.3f}" in said


def test_output_length_crop_and_output_padding_of_the_small_example(render):
    b = ex.of_setting(ex.setting(1))
    np.testing.assert_array_equal(render.values("output-length", "uncropped")[0], b.full[0])
    np.testing.assert_array_equal(render.values("output-length", "output")[0], b.output[0])
    assert b.output.shape[-1] == conv.output_length(4, 3, 2, 1, 1, 1) == 8
    said = render.said("output-length")
    assert "The trained decoder: (3 − 1) × 4 − 2 × 0 + 1 × (7 − 1) + 0 + 1 = 15." in said
    assert "A small example: (4 − 1) × 2 − 2 × 1 + 1 × (3 − 1) + 1 + 1 = 8." in said
    assert "What is left is the output: 8 samples" in said
    assert "Dilation spaces the kernel's taps apart; 1 means no gaps." in said  # defined where first used
    for i in range(4):  # the stamps before they are added, each at i × stride
        row = render.values("output-length", f"small stamp {i}")[0]
        np.testing.assert_array_equal(row[2 * i:2 * i + 3], b.stamps[i].values[0])
        assert np.isnan(np.delete(row, range(2 * i, 2 * i + 3))).all()
    assert "reach (4 − 1) × 2 + 1 × (3 − 1) + 1 = 9 samples" in said
    said = render.said("output-padding-and-dilation")
    # core.explain.trims(4, 3, 2, 1, 1)
    assert "With kernel 3, stride 2 and padding 1, 7 and 8 samples both convolve to 4:" in said
    assert "so it must be smaller than the stride (or the dilation): here 0 to 1." in said  # PyTorch's rule
    # dilation 2, worked: 1, 2 with the kernel 1, 2, 3 at stride 2, each copy with gaps
    stamp = render.values("output-padding-and-dilation", "dilated stamp 1")[0]
    np.testing.assert_array_equal(stamp[2::2], [2, 4, 6])
    assert np.isnan(stamp[[0, 1, 3, 5]]).all()
    dilated = conv.conv_transpose(np.array([[1.0, 2.0]]), np.array([[[1.0, 2.0, 3.0]]]), None, 2, 0, 0, 2,
                                  dims=1)
    np.testing.assert_array_equal(render.values("output-padding-and-dilation", "dilated output"), dilated)
    assert dilated[0].tolist() == [1, 0, 4, 0, 7, 0, 6]


def test_zero_insertion_by_hand_shows_why_the_kernel_is_flipped(render):
    """First on the example worked by hand: 1, 2, 3 with zeros between and 2 at each border, the
    kernel 3, 2, 1 sliding to the stamps' output; sample 2's two copies drawn, each with its tap."""
    b = ex.by_hand()
    np.testing.assert_array_equal(render.values("zero-insertion", "by-hand zero-inserted input"),
                                  [[0, 0, 1, 0, 2, 0, 3, 0, 0]])
    np.testing.assert_array_equal(render.values("zero-insertion", "by-hand flipped kernel"), [[3, 2, 1]])
    np.testing.assert_array_equal(render.values("zero-insertion", "by-hand output"), b.output)
    np.testing.assert_array_equal(render.values("zero-insertion", "copy of x[0]")[0, :3], [1, 2, 3])
    np.testing.assert_array_equal(render.values("zero-insertion", "copy of x[1]")[0, 2:5], [2, 4, 6])
    said = render.said("zero-insertion")
    assert "From x[0]'s copy it takes tap 2; from x[1]'s, tap 0:" in said
    assert "sample 2: each non-zero input × its flipped tap" in [
        t.original_text for t in render.scene.dot_note(b, (2,))][0]


def test_zero_insertion_gives_the_stamps_output(render, plain):
    b = ex.article(plain, story.demo_curve()[1])
    z = conv.zero_inserted(b.x, b.kernel, b.stride, b.padding, b.output_padding, b.dilation)
    assert z.shape == (3, 21)  # 3 zeros between codes, 6 on each border
    np.testing.assert_allclose(render.values("zero-insertion", "zero-inserted input"), z, atol=1e-12)  # all
    flipped = render.values("zero-insertion", "flipped kernel")
    np.testing.assert_allclose(flipped, plain.dec_w[:, ::-1], atol=1e-7)
    np.testing.assert_allclose(render.values("zero-insertion", "output"), b.output, atol=1e-9)
    assert "The output equals the stamps' output, sample for sample." in render.said("zero-insertion")
    assert "only 6 non-zero inputs count" in render.said("zero-insertion")  # 3 channels x 2 codes


def test_matrix_and_its_transpose_and_not_an_inverse(render, plain):
    hand = ex.by_hand()  # C is the kernel worked by hand, 1, 2, 3 at stride 2, over its 7 samples
    c = conv.conv_matrix(hand.weight[0, 0], 7, 2)
    np.testing.assert_array_equal(render.values("matrix", "C"), c)
    np.testing.assert_array_equal(render.values("matrix", "C transposed"), c.T)  # every column
    np.testing.assert_array_equal(render.values("matrix", "x"), hand.x.T)
    np.testing.assert_array_equal(render.values("matrix", "CT x")[:, 0], hand.output[0])  # the stamps' sum
    assert "C transposed times 1, 2 and 3 is 1, 2, 5, 4, 9, 6 and 9," in render.said("matrix")
    g = c.T @ c  # the same C: Cᵀ C beside the identity, whole numbers
    np.testing.assert_array_equal(render.values("not-an-inverse", "CT C"), g)
    np.testing.assert_array_equal(render.values("not-an-inverse", "identity"), np.eye(7))
    said = render.said("not-an-inverse")
    assert "its rank is 3 of 7" in said
    # the article's encoder as a matrix E and its trained decoder D, on a training patch and on a step
    e = np.vstack([conv.conv_matrix(w.astype(np.float64), data.PATCH, data.STRIDE) for w in plain.enc_w])
    p = story.demo_patch()[2]
    step = np.where(np.arange(7) < 3, p.min(), p.max())
    errors = []
    for k, x in enumerate((p, step)):
        np.testing.assert_allclose(render.values("not-an-inverse", f"patch {k}"), x, atol=1e-9)
        np.testing.assert_allclose(render.values("not-an-inverse", f"ETE p {k}"), e.T @ e @ x, atol=1e-9)
        decoded = plain.decode(plain.encode(x[None]))[0]
        np.testing.assert_allclose(render.values("not-an-inverse", f"D(E p) {k}"), decoded, atol=1e-9)
        errors.append((np.mean((e.T @ e @ x - x) ** 2), np.mean((decoded - x) ** 2)))
    (tp, tb), (_, sb) = errors
    assert f"On a training patch, D's mean square error is {tb:.1e}; E transposed's is {tp:.1e}." in said
    ratio = float(f"{sb / tb:.2g}")  # said as the shown, rounded errors give it
    assert (f"D's error is {sb:.1e}, about {ratio:,.0f} times as much." in said) == (sb > 10 * tb)
    assert ("So D is no inverse either" in said) == (sb > 10 * tb)


def test_in_2d_stamps_and_their_counts(render):
    b = ex.of_setting(ex.setting(2))
    np.testing.assert_array_equal(render.values("in-2-d", "stamped sum"), b.full[0])
    np.testing.assert_array_equal(render.values("in-2-d", "stamps per pixel"), b.counts[b.kept()])
    np.testing.assert_array_equal(render.values("in-2-d", "output"), b.output[0])
    assert "Uneven counts inside: a checkerboard" in render.said("in-2-d")
    said = render.said("in-2-d")  # the crop, drawn: one row and column off, one kept back at the end
    assert "Padding 1 crops one row and one column off each border of the stamped sum;" in said
    assert "output_padding 1 keeps one row and one column more at the end;" in said
    assert render.values("in-2-d", "kept") == b.out_size[0] * b.out_size[1] == 36
    assert "pixel gets: 1, 2 or 4" in render.said("in-2-d")


@pytest.mark.render
def test_a_deconv_conv_setting_needs_no_checkpoint(tmp_path):
    """Its numbers are the setting's own: an empty checkpoint folder does not stop it (-s: last frame)."""
    env = {**os.environ, ex.ENV: "kernel=2 stride=2", "DECONV_CHECKPOINTS": str(tmp_path / "none")}
    res = manim("-ql", "-s", "--media_dir", tmp_path, "scenes/transposed.py", env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    assert list(tmp_path.rglob("TransposedScene*.png"))


@pytest.mark.parametrize(
    "setting, words",
    [
        ("strid=2", "unknown key 'strid'; did you mean stride?"),
        ("stride=2 output_padding=2", "output_padding=2 must be smaller than stride (2) or dilation (1); "
                                      "use output_padding=1"),
        ("size=1 kernel=1 padding=3", "is below 1; use padding=0 or less"),
    ],
)
def test_a_setting_pytorch_refuses_stops_before_rendering(setting, words, tmp_path):
    """The scene's reading of DECONV_CONV refuses it in these words; rendered (one of them, as a user
    runs manim), it is one line, exit status 2, before anything is written."""
    with pytest.raises(conv.ConvError) as refused:
        ex.parse(setting)
    assert str(refused.value).startswith("DECONV_CONV: ") and words in str(refused.value)
    if setting == "strid=2":
        res = manim("-ql", "--media_dir", tmp_path, "scenes/transposed.py",
                    env={**os.environ, ex.ENV: setting})
        assert_usage_error(res, str(refused.value))
        assert not list(tmp_path.rglob("*.mp4"))


def test_sums_on_screen_never_read_plus_minus():
    from core.subtitles import fmt
    from scenes.transposed import plus

    show = lambda v: fmt(v, 3, sign=False)  # noqa: E731
    assert plus([0.128, 0.371, -0.013], show) == "0.128 + 0.371 - 0.013"
    assert plus([-0.5, 0.25], show) == "-0.500 + 0.250"


def test_many_stamp_counts_are_said_as_their_range():
    """A large setting (2-D 64x64, kernel 16, stride 16, dilation 8) has dozens of different stamp
    counts: the sentence naming each one ran past its two subtitle lines and stopped the render."""
    from core.subtitles import LINE
    from scenes.transposed import counts_words

    assert counts_words([1, 2, 4]) == "1, 2 or 4"
    many = counts_words(list(range(65)))
    assert many == "0 to 64 (65 different counts)"
    assert len(f"Count the stamps each output pixel gets: {many}.") <= 2 * LINE


def test_cell_widths_are_the_same_in_every_run():
    """The widest number of a grid was picked from a set, whose order changes with each process's
    string hashing: the transposed video's grids moved by a pixel from one render to the next (75 of
    its 170 seconds differed between two renders of the same commit); under hash seeds 0 and 1 the old
    code picked different numbers ("-0.00" and "-0.08" once its 1s were made 0s), of different widths."""
    import subprocess
    import sys

    code = ("import numpy as np; from scenes import transposed as t;"
            "print(repr(t.cell_width(lambda v: f'{v:.2f}', 20, np.array([-0.07, -0.20, -0.10, -0.14, -0.01, "
            "-0.08, 0.08, 0.25]))))")
    widths = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout for seed in (0, 1)}
    assert len(widths) == 1 and widths != {""}, widths


def test_sums_are_written_with_enough_places_to_add_up():
    from core.subtitles import adds_up

    assert adds_up([0.084, 0.091, -0.163], 0.012) == 2  # 0.08 + 0.09 - 0.16 = 0.01 reads true
    assert adds_up([0.0849, 0.0849], 0.1698) == 3  # 0.08 + 0.08 is not 0.17; 0.085 + 0.085 = 0.170
    assert adds_up([1.0, 2.0], 3.0, places=0) == 0


def test_a_ratio_is_said_to_the_digits_of_the_numbers_shown():
    from scenes.transposed import times

    assert times(7.8e-3, 5.5e-6) == "1,400"  # not 1418, nor 1415 from the unrounded errors
    assert times(3.0, 2.0) == "1.5"


def test_factors_are_written_with_enough_places_for_their_products():
    from core.subtitles import factor_places

    # -0.07 x -1.23 = 0.0861 reads 0.09, not the copy's 0.08 (-0.065 x -1.228 = 0.0798): the code at 3
    assert factor_places([(-0.065, -1.228)]) == (3, 2)
    assert factor_places([(0.5, 0.25), (1.0, 2.0)]) == (2, 2)
    assert factor_places([(1.0, 2.0)], places=0) == (0, 0)


def test_products_are_written_with_enough_places_to_read_true():
    from core.subtitles import multiplies_up

    # 0.07 x 2.19 = 0.1533 would read 0.15 against 0.14 written for -0.0653 x -2.194; at 3 places
    # 0.065 x 2.194 = 0.143 and the product written is 0.143
    assert multiplies_up([[(-0.0653, -2.194)]], None, 0.0653 * 2.194, places=2) == 3
    assert multiplies_up([[(0.5, 0.25)], [(0.125, 2.0)]], 0.001, 0.376, places=3) == 3
    assert multiplies_up([[(1.0, 2.0), (3.0, 4.0)]], None, 14.0, places=0) == 0
    # 0.080 + 0.088 - 0.158 does not read 0.011; one more place does
    terms = [(1.0, 0.0804), (1.0, 0.0884), (1.0, -0.1578)]  # 0.0110
    assert multiplies_up([terms], None, 0.0804 + 0.0884 - 0.1578) == 4


def test_the_dot_products_written_out_read_true(render):
    """Every line under the sliding kernel in zero-insertion: 'position i: u × v = w' multiplies to w
    as written, a group's products add to its sum as written, and the groups and bias to the output."""
    import re

    scene = render.scene
    b = scene.main
    wrong = []
    for j in range(b.output.shape[1]):
        lines = [t.original_text for t in scene.dot_note(b, (j,))][1:]
        sums = []
        for line in lines:
            if line.startswith("together: "):  # the groups' sums, added
                total = line.split(": ")[1]
                assert abs(sum(sums) - float(total)) <= 0.5 * 10**-len(total.split(".")[-1]) + 1e-12
                continue
            left, right = line.split(": ", 1)[-1].rsplit(" = ", 1) if ": " in line else line.rsplit(" = ", 1)
            places = len(right.split(".")[1]) if "." in right else 0
            expr = left.replace("×", "*").replace("+ bias", "+").strip()
            if line.startswith("+ bias"):
                value = sum(sums) + float(expr.lstrip("+ "))
            else:
                value = eval(re.sub(r"[^0-9.*+\- ]", "", expr))  # only the numbers and signs written
                sums.append(float(right))
            if abs(value - float(right)) > 0.5 * 10**-places + 1e-12:
                wrong.append((j, line))
    # a position's sum is the sum of its products as written, and the places are chosen so that
    # those sums and the bias add to the output as written: every line of every sample reads true
    assert wrong == [], wrong
