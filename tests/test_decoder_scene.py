"""The decoder video, rendered once as users render it: its sections, subtitles and drawn curves are
the checkpoint's maths (core.story); the pictures it is made of draw what they are given."""

import os

import numpy as np
import pytest
from conftest import (
    assert_usage_error,
    check_render,
    manim,
    open_offline,
    render_fixture,
    shown_frame,
)

from core import conv, data, slides, story
from core.subtitles import fmt
from scenes import decoder, models
from scenes import pictures as pic
from scenes import theme as th

SECTIONS = ["training", "weighted-sum", "one-component-sweeps", "all-components", "transposed-convolution"]
ENOUGH = 1e-4  # the article's "enough" (claim C1)


def weighted_sum(ck, code):
    """output = c1*f1 + c2*f2 + c3*f3 + b, written out."""
    return code[0] * ck.dec_w[0] + code[1] * ck.dec_w[1] + code[2] * ck.dec_w[2] + ck.dec_b


def nearest(points, cloud):
    """Each point's distance to the nearest row of `cloud` (both (n, d))."""
    return np.concatenate([np.sqrt(((c[:, None] - cloud[None]) ** 2).sum(-1)).min(axis=1)
                           for c in np.array_split(points, max(1, len(points) // 100))])


render = render_fixture("decoder")


def test_render_has_its_sections_and_readable_subtitles(render):
    check_render(render, SECTIONS, 120, 260)


def test_decks_from_the_render_have_a_slide_per_section_and_play_offline(render, tmp_path):
    """`deconv slides` on this -ql render: the subtitles, each cue once, as the notes of the section
    that shows it; one HTML slide per section that headless Chromium plays with the network off;
    a .pptx slide per section holding its clip, with those notes."""
    import pptx

    media = render.folder.parents[2]
    (deck,), _ = slides.find_decks(media, "l")
    assert [s.name for s in deck.slides] == SECTIONS
    every_line = "\n".join(s.notes for s in deck.slides).split("\n")
    assert every_line == [c.text.replace("\n", " ") for c in render.cues]
    for slide, span in zip(deck.slides, render.sections):
        said = [c for c in render.cues if c.text.replace("\n", " ") in slide.notes.split("\n")]
        assert all(min(c.end, span.end) > max(c.start, span.start) for c in said), slide.name
    out = tmp_path / "slides"
    slides.build([deck], out)
    page = (out / "decoder.html").read_text()
    assert page.count("<section ") == len(SECTIONS) and "https://" not in page and "http://" not in page
    picture, urls = open_offline(out / "decoder.html", tmp_path)
    assert [u for u in urls if not u.startswith(("file:", "data:", "blob:"))] == []
    # the first clip's frame, its text and footer lit (a blank page lights none of them)
    frame, lit = shown_frame(picture, deck.slides[0].clip)
    assert lit > 0.8, f"frame {frame} of the first clip shows {lit:.0%} of its bright pixels"
    shown = pptx.Presentation(str(out / "decoder.pptx"))
    assert [s.notes_slide.notes_text_frame.text for s in shown.slides] == [s.notes for s in deck.slides]
    assert all(any(r.reltype.endswith("/media") for r in s.part.rels.values()) for s in shown.slides)


def test_training_draws_the_checkpoints_loss_and_says_where_it_ends(render, plain):
    np.testing.assert_allclose(render.values("training", "loss"), plain.loss, rtol=1e-9)
    said = render.said("training")
    final, first = plain.loss[-1], int(np.argmax(plain.loss < ENOUGH)) + 1
    assert final < ENOUGH  # claim C1 holds for the default model: the sentence below says so
    assert f"first goes below at epoch {first} and ends at {final:.2e}" in said
    assert f"{ENOUGH / final:.1f} times lower: enough" in said and "not enough" not in said
    # what the loss and an epoch are, said before the verdict; the article named the first time
    assert said.index("mean squared difference between a patch and its rebuilt version") < said.index(
        "first goes below")
    assert "one pass over the data" in said and "Visualizing the Deconvolution Operation" in said


def test_loss_verdict_follows_the_numbers():
    above = decoder.loss_verdict(np.array([1e-2, 3e-4, 2e-4]), ENOUGH)
    assert " ".join(above) == "It ends at 2.00e-04, above the line: not enough, by the article's measure."
    below = " ".join(decoder.loss_verdict(np.array([1e-2, 5e-5, 2e-5]), ENOUGH))
    assert "below at epoch 2 and ends at 2.00e-05" in below and "5.0 times lower: enough" in below


def test_weighted_sum_ends_on_the_second_code_and_the_decoders_output(render, plain):
    final = np.array([render.values("weighted-sum", f"c{i + 1}") for i in range(3)])
    np.testing.assert_allclose(final, story.F6_CODES[1], atol=1e-12)
    np.testing.assert_allclose(render.values("weighted-sum", "output"), weighted_sum(plain, final), atol=1e-9)
    # the rings: the checkpoint's ConvTranspose1d run on that code, drawn on the same points
    np.testing.assert_allclose(
        render.values("weighted-sum", "decoder output"), weighted_sum(plain, final), atol=1e-9
    )
    assert f"b = {plain.dec_b:+.4f}" in render.said("weighted-sum")
    for i in range(3):  # the scaled filters: filled dots in the filter's colour, no (white) outline
        np.testing.assert_allclose(render.values("weighted-sum", f"scaled {i + 1}"),
                                   final[i] * plain.dec_w[i], atol=1e-9)
        colour, opacity, outline = render.scene.dot_styles["weighted-sum"][f"scaled {i + 1}"]
        assert (colour, opacity, outline) == (th.FILTER_COLORS[i].lower(), 1.0, 0.0)


def test_sweeps_say_the_code_range_and_draw_the_scaled_filters_on_top(render, plain):
    ext = story.code_extent(plain)
    said = render.said("one-component-sweeps")
    for k in range(3):
        assert f"up to {fmt(ext[k], 2)}" in said and f"down to {fmt(-ext[k], 2)}" in said
    order = render.scene.drawn_order["one-component-sweeps"]  # later is drawn on top
    assert all(order.index(f"scaled {k + 1}") > order.index("output") for k in range(3))
    # the section ends on its payoff, c3 at its largest, not on all-zero flat lines
    np.testing.assert_allclose(render.values("one-component-sweeps", "code point"), [0, 0, ext[2]], atol=1e-9)
    np.testing.assert_allclose(render.values("one-component-sweeps", "output"),
                               weighted_sum(plain, [0, 0, ext[2]]), atol=1e-9)
    # the thin outputs for several c3 came in with the c3 sweep, after the c1 and c2 sweeps were said
    assert said.index("Top left: the outputs for 5 values of c3") > said.index("Now c2 goes up")


def test_four_panel_top_plots_fit_what_they_draw(plain):
    """The top plots' y range: what the outputs, scaled filters and (where shown) the thin outputs
    reach, with a small margin, not a fixed -1..1; the thin lines start hidden."""
    ext = story.code_extent(plain)
    path, _ = story.cloud_path(plain)
    sweeps = [story.sweep_codes(ext, k) for k in range(2)] + [story.sweep_codes(ext, 2, 301, 1.25)]
    codes = np.vstack(sweeps + [path])
    fam_at = np.vstack([sweeps[2], path])
    panel = pic.FourPanel(plain, ext, codes, family_codes=fam_at)
    fam = np.array([[a, b, c3] for a, b, _ in fam_at for c3 in panel.c3_values])
    reach = np.abs(np.concatenate([plain.decode(np.vstack([codes, fam])).ravel(),
                                   (codes[:, :, None] * plain.dec_w[None]).ravel()])).max()
    for plot in (panel.outputs_plot, panel.sum_plot):
        lo, hi = plot.axes.y_range[:2]
        assert max(-lo, hi) >= reach * 1.05 and max(-lo, hi) <= reach * 1.05 + plot.axes.y_range[2] + 1e-9
    assert panel.family_shown == 0 and all(s.line.get_stroke_opacity() == 0 for s in panel.family)
    panel.set_family_shown(1.0)
    assert all(s.line.get_stroke_opacity() == pytest.approx(panel.FAMILY_OPACITY) for s in panel.family)
    # the plane's numbers sit outside the box the cloud of real codes fills
    box = panel.point.axes
    left, bottom = box.c2p(box.x_range[0], box.y_range[0])[:2]
    for num in box.x_axis.numbers:
        assert num.get_top()[1] < bottom
    for num in box.y_axis.numbers:
        assert num.get_right()[0] < left


def test_code_readout_puts_a_minus_where_a_plus_goes(plain):
    """'c1 = -0.08' under 'c1 = +0.10': the minus as wide as the plus and in its place (no gap after
    '='), the digits in columns."""
    plus, minus = pic.CodeReadout(), pic.CodeReadout()
    plus.set_code([0.10, 0.10, 0.10])
    minus.set_code([-0.08, -0.08, -0.08])
    for p, m in zip(plus.numbers, minus.numbers):
        sign_p, sign_m = (n.glyphs.points[:len(n._glyph[c]), 0] for n, c in ((p, "+"), (m, "-")))
        assert (sign_m.min(), sign_m.max()) == pytest.approx((sign_p.min(), sign_p.max()), abs=1e-6)
    before = minus.numbers[0].glyphs.points.copy()
    minus.set_code([-0.08, -0.08, -0.08])  # the same value again changes nothing
    np.testing.assert_array_equal(minus.numbers[0].glyphs.points, before)


def test_all_components_path_stays_in_the_cloud_of_real_codes(render, plain):
    path, _ = story.cloud_path(plain)
    code = np.array([render.values("all-components", f"c{i + 1}") for i in range(3)])
    np.testing.assert_allclose(code, path[-1], atol=1e-12)
    np.testing.assert_allclose(render.values("all-components", "code point"), path[-1], atol=1e-9)
    np.testing.assert_allclose(render.values("all-components", "output"), weighted_sum(plain, code),
                               atol=1e-9)
    # the claim: no point of the path (rows and the segments between) is further than the number
    # said from the code of a training patch, and that number is small next to the codes' range
    real = plain.encode(data.make_patches())
    far = nearest(np.vstack([path, (path[1:] + path[:-1]) / 2]), real).max()
    assert far < 0.1 * story.code_extent(plain).min()
    assert f"It stays in the {th.DATA_NAME} cloud of real codes: at most {fmt(far, 3, False)} from one" in (
        render.said("all-components"))
    # as drawn on the plane (c1, c2): the thin line's corners are the path's, inside the cloud
    drawn = render.values("all-components", "code path")
    np.testing.assert_allclose(drawn, path[:, :2], atol=1e-9)
    assert nearest(drawn, real[:, :2]).max() <= far
    assert np.all(np.ptp(path, axis=0) > story.code_extent(plain))  # all three really move


def test_transposed_convolution_places_each_window_at_stride_4(render, plain):
    idx, curve = story.demo_curve()
    shown = story.windows(plain, curve)
    sec = "transposed-convolution"
    np.testing.assert_allclose(render.values(sec, "code matrix"), plain.encode_windows(curve), atol=1e-12)
    pieces = [shown.codes[:, w] @ plain.dec_w for w in range(3)]
    for w in range(3):  # window w: its code column's weighted sum of filters, drawn from sample 4*w
        np.testing.assert_allclose(render.values(sec, f"window {w + 1}"), pieces[w], atol=1e-9)
        assert render.scene.pictures[sec][f"window {w + 1}"].offset == 4 * w
    # one vertical scale: a window's sum is as tall in its lane as on the output it drops onto
    lanes = [render.scene.pictures[sec][f"window {w + 1}"].plot.axes for w in range(3)]
    out_axes = render.scene.pictures[sec]["output"].plot.axes
    per_unit = [a.y_length / (a.y_range[1] - a.y_range[0]) for a in [*lanes, out_axes]]
    assert max(per_unit) - min(per_unit) < 1e-9, per_unit
    # and one sample axis: sample k of every lane stands over sample k of the output, to the pixel
    px = 1280 / 14.222  # pixels per unit at 1280x720
    for a in lanes:
        assert max(abs(a.c2p(k, 0)[0] - out_axes.c2p(k, 0)[0]) for k in range(15)) * px < 0.5
    # each window's part of each sample, a bar in its colour stacked on the windows before it: on
    # the doubled samples two bars, one on the other, of the two windows' two colours
    below = np.zeros(15)
    for w in range(3):
        bars = render.values(sec, f"window {w + 1} bars")
        span = slice(4 * w, 4 * w + 7)
        np.testing.assert_allclose(bars, np.sort(np.stack([below[span], below[span] + pieces[w]], 1), 1),
                                   atol=1e-6)
        below[span] += pieces[w]
        colour = {m.get_fill_color().to_hex().lower()
                  for m in render.scene.pictures[sec][f"window {w + 1} bars"]}
        assert colour == {th.window_color(w).lower()}
        lane = render.scene.pictures[sec][f"window {w + 1}"]
        assert lane.line.get_stroke_color().to_hex().lower() == colour.pop()
    assert th.window_color(0) != th.window_color(1) == th.WINDOW_COLORS[1]
    output = plain.decode_windows(shown.codes)
    np.testing.assert_allclose(render.values(sec, "output"), output, atol=1e-9)
    np.testing.assert_allclose(render.values(sec, "curve"), curve, atol=1e-9)
    said = render.said(sec)
    assert f"curve {idx}:" in said and "samples 4-6 and 8-10" in said
    # the output length, said with the model's numbers; PyTorch's formula (defaults) gives the same
    length = conv.output_length(shown.codes.shape[1], plain.dec_w.shape[1], data.STRIDE)
    assert length == len(output) == 15
    n_in, kernel = shown.codes.shape[1], plain.dec_w.shape[1]
    assert f"({n_in} − 1)·{data.STRIDE} + {kernel} = {length} samples" in said
    # the frozen overlap sample: the doubled one whose smaller term is largest; its two terms add
    terms = {k: [(w, pieces[w][k - 4 * w]) for w in range(3) if 0 <= k - 4 * w < 7] for k in shown.doubled}
    k = max(terms, key=lambda k: min(t for _, t in terms[k]))
    (wa, ta), (wb, tb) = terms[k]
    assert [render.values(sec, f"overlap term {j}") for j in (1, 2)] == pytest.approx([ta, tb], abs=1e-12)
    assert render.values(sec, "overlap sum") == pytest.approx(ta + tb, abs=1e-12)
    assert render.values(sec, "overlap output") == pytest.approx(output[k], abs=1e-12)
    assert render.values(sec, "overlap bias") == pytest.approx(plain.dec_b, abs=1e-12)
    assert output[k] == pytest.approx(ta + tb + plain.dec_b, abs=1e-9)
    # as many digits as make the arithmetic add up as shown: a + b = sum, sum + bias = output
    d = render.scene.pictures[sec]["overlap sum"].places
    assert d == decoder.adding_places(ta, tb, plain.dec_b, output[k]) and d >= 3

    def shown_(v):
        return round(float(fmt(v, d, False)) * 10**d)
    assert shown_(ta) + shown_(tb) == shown_(ta + tb)
    assert shown_(ta + tb) + shown_(plain.dec_b) == shown_(output[k])
    a, b = fmt(ta, d, False), fmt(tb, d, False)
    assert f"sample {k}: window {wa + 1} gives {a}, window {wb + 1} gives {b}" in said
    total, with_bias = fmt(ta + tb, d, False), fmt(output[k], d, False)
    assert f"{a} + {b} = {total}; plus b = {fmt(plain.dec_b, d)}: {with_bias}" in said
    # the doubling, measured, and why the loss is small all the same (each window alone comes back)
    ratio = np.mean(output[shown.doubled] / curve[shown.doubled])
    assert f"{ratio:.1f} times on average" in said
    alone = plain.decode(shown.codes.T)
    alone_mse = max(np.mean((alone[w] - curve[4 * w:4 * w + 7]) ** 2) for w in range(3))
    overlap_mse = np.mean((output[shown.doubled] - curve[shown.doubled]) ** 2)
    assert alone_mse * 100 < overlap_mse  # true of the default model: the words below follow
    assert "each window alone comes back" in said and "transposed convolution" in said
    assert f"with {overlap_mse / alone_mse:,.0f} times less error" in said  # measured, not "close"
    assert "The article calls it deconvolution" in said


def test_adding_places_shows_enough_digits():
    assert decoder.adding_places(0.6630023, 0.6473584, -0.0015777, 0.6630023 + 0.6473584 - 0.0015777) == 4
    assert decoder.adding_places(0.5, 0.25, 0.125, 0.875) == 3


def test_four_panel_draws_the_checkpoints_weighted_sum(plain):
    ext = story.code_extent(plain)
    path, _ = story.cloud_path(plain)
    codes = np.vstack([story.sweep_codes(ext, k) for k in range(3)] + [path])
    panel = pic.FourPanel(plain, ext, codes)
    for code in (np.array(story.F6_CODES[0]), np.array(story.F6_CODES[1]), path[137]):
        panel.set_code(code)
        want = weighted_sum(plain, code)
        np.testing.assert_allclose(panel.sum.drawn_values(), want, atol=1e-9)
        np.testing.assert_allclose(panel.current.drawn_values(), want, atol=1e-9)
        for i in range(3):
            np.testing.assert_allclose(panel.scaled[i].drawn_values(), code[i] * plain.dec_w[i], atol=1e-9)
            np.testing.assert_allclose(panel.raw[i].drawn_values(), plain.dec_w[i], atol=1e-9)
        for sig, c3 in zip(panel.family, panel.c3_values):
            np.testing.assert_allclose(
                sig.drawn_values(), weighted_sum(plain, [code[0], code[1], c3]), atol=1e-9
            )
        np.testing.assert_allclose(panel.point.drawn_values(), code, atol=1e-9)
        np.testing.assert_allclose([n.get_value() for n in panel.readout.numbers], code, atol=1e-12)
    # the scaled filters are drawn after (on top of) the sum
    family = panel.live.get_family()
    assert all(family.index(s) > family.index(panel.sum) for s in panel.scaled)


def test_code_point_shows_c3s_sign_and_size_and_never_vanishes(plain):
    ext = story.code_extent(plain)
    point = pic.CodePoint(ext, 3.0, 1.6)
    sizes, drawn = [], []
    for code in story.sweep_codes(ext, 2):
        point.set_code(code)
        drawn.append(point.drawn_values()[2])
        sizes.append((point.dot.width, point.cap.width, np.hypot(point.mark.width, point.mark.height)))
        along = np.dot(point.cap.get_center() - point.dot.get_center(), point.SLANT)
        assert np.sign(round(along, 9)) == np.sign(round(code[2], 9))  # toward "c3" for +, away for -
    np.testing.assert_allclose(drawn, story.sweep_codes(ext, 2)[:, 2], atol=1e-9)
    sizes = np.array(sizes)
    assert sizes[:, 0].min() == pytest.approx(sizes[:, 0].max()) and sizes[:, 0].min() > 0.15  # the dot
    assert sizes[:, 1].min() > 0.2  # the cap shows even at c3 = 0
    assert sizes[:, 2].min() > 0.15 and sizes[:, 2].max() > point.stem_max  # never zero; an arm at the ends
    # c3's arm is slanted, not up: it never moves the way c2 does (straight up the plane)
    assert abs(point.SLANT[0]) > 0.5 and abs(point.SLANT[1]) > 0.5
    assert "c3 the purple arm" in pic.FourPanel(plain, ext, np.zeros((1, 3))).point_label.original_text


def test_environment_chooses_the_model(monkeypatch, plain):
    monkeypatch.setenv("DECONV_VARIANT", "code-noise")
    monkeypatch.setenv("DECONV_SEED", "33")
    ck = models.load_model()
    assert (ck.variant, ck.seed) == ("code-noise", 33)
    assert not np.allclose(ck.dec_w, plain.dec_w, atol=1e-2)
    monkeypatch.setenv("DECONV_SEED", "twenty")
    with pytest.raises(SystemExit) as e:
        models.load_model()
    assert e.value.code == 2


def test_missing_checkpoint_is_one_line_and_exit_2(tmp_path):
    env = {**os.environ, "DECONV_VARIANT": "plain", "DECONV_SEED": "999"}
    res = manim("render", "-ql", "-s", "--media_dir", tmp_path, "scenes/decoder.py", env=env)
    assert_usage_error(
        res, "no checkpoint for variant 'plain', seed 999", "deconv train --variants plain --seeds 999"
    )


def test_weighted_sum_notes_are_clear_of_the_curves(plain):
    """'zoomed in: ...' and 'stems: the sum at each sample' sit where no curve of the section goes:
    the scaled filters, the sum with its stems and the rings, for the codes between the two shown."""
    w = decoder.WeightedSumBoard(plain, story.F6_CODES, th.title("x"))
    for t in [*w.scale, *w.added, w.bias]:
        t.set_value(1.0)
    boxes = [(m.get_left()[0] - 0.05, m.get_right()[0] + 0.05, m.get_bottom()[1] - 0.05,
              m.get_top()[1] + 0.05) for m in (w.zoom_note, w.stems_note)]
    for a in np.linspace(0, 1, 21):
        code = (1 - a) * np.array(story.F6_CODES[0]) + a * np.array(story.F6_CODES[1])
        for tracker, c in zip(w.code, code):
            tracker.set_value(c)
        w.update()
        pts = np.vstack([m.points for s in [*w.scaled, w.total] for m in (s.line, s.stems) if m is not None]
                        + [r.get_center()[None] + r.width / 2 * np.array([[1, 1, 0], [-1, -1, 0]])
                           for r in w.decoder_out])
        for x0, x1, y0, y1 in boxes:
            assert not np.any((pts[:, 0] > x0) & (pts[:, 0] < x1) & (pts[:, 1] > y0) & (pts[:, 1] < y1))



def test_the_footer_names_the_model_at_each_sections_start_and_then_goes(render):
    """The model is said once per section: the footer is drawn in every clip's first frame and gone
    from its last (scenes.stage.FOOTER_SECONDS), read from the pixels where the footer sits."""
    import av
    from manim import DR, UL, config

    footer = render.scene.footer
    w, h, fw, fh = 854, 480, config.frame_width, config.frame_height  # -ql

    def px(p):
        return int((p[0] + fw / 2) / fw * w), int((fh / 2 - p[1]) / fh * h)
    (left, top), (right, bottom) = px(footer.get_corner(UL)), px(footer.get_corner(DR))
    box = (slice(top, bottom + 1), slice(left, right + 1))
    for s in render.sections:
        with av.open(str(render.folder / "sections" / s.video)) as c:
            frames = [f.to_ndarray(format="gray") for f in c.decode(video=0)]
        first, last = (float(frames[k][box].max()) for k in (0, -1))
        assert first > 60, f"{s.name}: no footer in the first frame"
        assert last < 30, f"{s.name}: the footer is still there at the end"

