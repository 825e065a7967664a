"""Figures F1-F10: what each draws equals what the dataset and the shipped checkpoints imply, the
filter colours mean filters only, and every file is written, decodes and is not blank."""

import numpy as np
import pytest
from matplotlib.colors import to_hex

from core import analysis, data, figures, story
from core.figures import FIGURES, FILTER_COLORS, PALETTE, article

IDS = [f"F{i}" for i in range(1, 11)]
FILTER_HEX = {to_hex(c) for c in FILTER_COLORS}


@pytest.fixture(scope="module")
def ctx():
    return figures.Context()


@pytest.fixture(scope="module")
def drawn(ctx):
    """Every figure of this module, drawn once: {id: Figure}."""
    return {fig_id: figures.draw(FIGURES[fig_id], ctx) for fig_id in IDS}


def lines(ax, prefix: str = ""):
    return [ln for ln in ax.lines if ln.get_label().startswith(prefix)]


def one_line(ax, prefix: str):
    found = lines(ax, prefix)
    assert len(found) == 1, [ln.get_label() for ln in ax.lines]
    return found[0]


def colour(artist) -> str:
    return to_hex(artist.get_color() if hasattr(artist, "get_color") else artist.get_facecolor())


def test_registered_with_titles():
    for fig_id in IDS:
        spec = FIGURES[fig_id]
        assert spec.draw.__module__ == "core.figures.article"
        assert spec.slug and spec.title


def test_f1_draws_dataset_curves(ctx, drawn):
    axes = drawn["F1"].axes
    assert len(axes) == 9
    for ax, i in zip(axes, article.F1_CURVES):
        curve = one_line(ax, f"_curve {i}")
        np.testing.assert_array_equal(curve.get_ydata(), ctx.curves[i])
        np.testing.assert_array_equal(curve.get_xdata(), np.arange(data.WINSIZE))
        assert colour(curve) == to_hex(PALETTE.data)
        assert curve.get_marker() not in (None, "None", "")


def test_f2_code_matrix_and_summed_windows(ctx, drawn):
    ck = ctx.model("plain", 22)
    codes = ck.encode_windows(ctx.demo[1])
    texts = {t.get_gid(): t.get_text() for ax in drawn["F2"].axes for t in ax.texts if t.get_gid()}
    for c in range(3):
        for w in range(3):
            value = float(texts[f"code-{c}-{w}"].replace("\u2212", "-"))
            assert value == pytest.approx(codes[c, w], abs=5e-4)
    ax_out = drawn["F2"].axes[2]
    total = one_line(ax_out, "sum")
    np.testing.assert_allclose(total.get_ydata(), ck.decode_windows(codes))
    for w in range(3):
        piece = one_line(ax_out, f"window {w + 1} decoded")
        np.testing.assert_allclose(piece.get_xdata(), np.arange(4 * w, 4 * w + 7))
        np.testing.assert_allclose(piece.get_ydata(), codes[:, w] @ ck.dec_w)
    # overlapping samples really are doubled: the sum at sample 5 is about twice the input there
    assert total.get_ydata()[5] > 1.5 * ctx.demo[1][5]


def test_f3_code_values_and_reconstruction(ctx, drawn):
    ck = ctx.model("plain")
    idx, start, patch = story.demo_patch()
    assert idx == ctx.demo[0]
    np.testing.assert_array_equal(patch, ctx.curves[idx, start:start + 7].astype(np.float32))
    code = ck.encode(patch[None])[0]
    texts = {t.get_gid(): t.get_text() for t in drawn["F3"].axes[0].texts if t.get_gid()}
    for i in range(3):
        assert texts[f"code-{i}"].replace("\u2212", "-") == f"c{i + 1} = {code[i]:+.3f}"
    plot = drawn["F3"].axes[1]
    np.testing.assert_allclose(one_line(plot, "output").get_ydata(), ck.decode(code[None])[0])
    np.testing.assert_allclose(one_line(plot, "input patch").get_ydata(), patch)


def test_f4_mean_loss_per_variant(ctx, drawn):
    ax = drawn["F4"].axes[0]
    assert ax.get_yscale() == "log"
    for variant in article.VARIANT_STYLES:
        mean = np.mean([ck.loss for ck in ctx.models(variant)], axis=0)
        line = one_line(ax, f"{variant} (")
        np.testing.assert_allclose(line.get_ydata(), mean)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(mean) + 1))
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len([lb for lb in labels if lb.split(" ")[0] in article.VARIANT_STYLES]) == 6
    whole = [lb for lb in labels if lb.startswith("whole-curve")]
    assert [lb for lb in labels if "on whole curves" in lb] == whole and len(whole) == 1
    used = {colour(ln) for ln in ax.lines} | {to_hex(c.get_facecolor()[0]) for c in ax.collections}
    assert not used & FILTER_HEX  # variant colours are never the filter colours
    assert len({(c, str(ls)) for c, ls in article.VARIANT_STYLES.values()}) == 6  # each its colour and dash
    for variant, (c, _) in article.VARIANT_STYLES.items():
        assert colour(one_line(ax, f"{variant} (")) == to_hex(c)
    # the final loss of every variant: a bar at the mean, a dot per seed, the ratio to plain written
    bars = drawn["F4"].axes[1]
    plain = np.mean([ck.final_loss for ck in ctx.models("plain")])
    for variant in article.VARIANT_STYLES:
        finals = [ck.final_loss for ck in ctx.models(variant)]
        bar = next(p for p in bars.patches if p.get_gid() == f"final-{variant}")
        assert bar.get_height() == pytest.approx(np.mean(finals))
        dots = [ln for ln in bars.lines if ln.get_gid() == f"seeds-{variant}"]
        np.testing.assert_allclose(dots[0].get_ydata(), finals)
        said = [t.get_text() for t in bars.texts if t.get_text().startswith(f"{np.mean(finals):.1e}\n")]
        versus = ("on whole curves" if variant in article.ON_WHOLE_CURVES
                  else f"{np.mean(finals) / plain:.2g}\u00d7 plain")  # a loss on whole curves: no ratio
        assert [t.split("\n")[1] for t in said] == [versus]


def test_f5_labels_and_outputs(ctx, drawn):
    ck = ctx.model("plain")
    idx = story.f5_indices(len(ctx.patches))
    axes = drawn["F5"].axes
    assert len(axes) == len(idx) == 6
    for ax, i in zip(axes, idx):
        patch = ctx.patches[i].astype(np.float64)
        np.testing.assert_allclose(one_line(ax, "label").get_ydata(), patch)
        expected = ck.decode(ck.encode(patch[None]))[0]
        np.testing.assert_allclose(one_line(ax, "network output").get_ydata(), expected)
        assert not {colour(ln) for ln in ax.lines} & FILTER_HEX
    assert len(drawn["F5"].legends) == 1  # the legend once, for the whole figure


def test_f6_sum_is_code_times_filters_plus_bias(ctx, drawn):
    ck = ctx.model("plain", 22)
    axes = drawn["F6"].axes  # top row first: [top0, top1, bottom0, bottom1]
    for col, code in enumerate(story.F6_CODES):
        top, bottom = axes[col], axes[2 + col]
        code = np.array(code)
        total = one_line(top, "sum")
        np.testing.assert_allclose(total.get_ydata(), code @ ck.dec_w + ck.dec_b)
        assert colour(total) == to_hex(PALETTE.output)
        scaled = [ln for ln in top.lines if "filter" in ln.get_label()]
        assert len(scaled) == 3
        for i, ln in enumerate(scaled):
            np.testing.assert_allclose(ln.get_ydata(), code[i] * ck.dec_w[i])
            assert colour(ln) == to_hex(FILTER_COLORS[i])
        raw = lines(bottom, "filter")
        for i, ln in enumerate(raw):
            np.testing.assert_allclose(ln.get_ydata(), ck.dec_w[i])
            assert colour(ln) == to_hex(FILTER_COLORS[i])
        assert len(raw) == 3


def test_f7_products_and_sums(ctx, drawn):
    ck = ctx.model("plain")
    _, _, patch = story.demo_patch()
    fig = drawn["F7"]
    right, left = fig.axes[:3], fig.axes[3]  # the three product panels, then the spanning left panel
    for i, ln in enumerate(lines(left, "encoder filter")):
        np.testing.assert_allclose(ln.get_ydata(), ck.enc_w[i])
        assert colour(ln) == to_hex(FILTER_COLORS[i])
    np.testing.assert_allclose(one_line(left, "input patch").get_ydata(), patch)
    pre = ck.pre_activations(patch[None])[0]
    code = np.tanh(pre)
    for i, ax in enumerate(right):
        heights = [bar.get_height() for bar in ax.patches]
        np.testing.assert_allclose(heights, patch * ck.enc_w[i])
        assert {colour(bar) for bar in ax.patches} == {to_hex(FILTER_COLORS[i])}
        title = ax.get_title().replace("\u2212", "-")
        assert f"{np.sum(patch * ck.enc_w[i]):+.3f}" in title
        assert f"= {pre[i]:+.3f}" in title
        assert f"c{i + 1} = {code[i]:+.3f}" in title


def test_f8_code_decoded(ctx, drawn):
    ck = ctx.model("plain")
    _, _, patch = story.demo_patch()
    code = ck.encode(patch[None])[0]
    left, right = drawn["F8"].axes
    for i, ln in enumerate(lines(left, "decoder filter")):
        np.testing.assert_allclose(ln.get_ydata(), ck.dec_w[i])
    scaled = [ln for ln in right.lines if "\u00d7 filter" in ln.get_label()]
    assert len(scaled) == 3
    for i, ln in enumerate(scaled):
        np.testing.assert_allclose(ln.get_ydata(), code[i] * ck.dec_w[i])
        assert colour(ln) == to_hex(FILTER_COLORS[i])
    np.testing.assert_allclose(one_line(right, "sum").get_ydata(), code @ ck.dec_w + ck.dec_b)
    np.testing.assert_allclose(one_line(right, "input patch").get_ydata(), patch)


def _seed_lines(ax) -> dict[int, np.ndarray]:
    return {int(ln.get_label().split()[-1]): ln.get_ydata() for ln in lines(ax, "_seed ")}


def test_f9_filters_as_trained(ctx, drawn):
    models = ctx.models("plain")
    assert len(models) == 10
    for i, ax in enumerate(drawn["F9"].axes):
        by_seed = _seed_lines(ax)
        assert sorted(by_seed) == [ck.seed for ck in models]
        for ck in models:
            np.testing.assert_allclose(by_seed[ck.seed], ck.dec_w[i])
        assert {colour(ln) for ln in lines(ax, "_seed ")} == {to_hex(FILTER_COLORS[i])}


def test_f10_filters_compensated(ctx, drawn):
    models, ref = ctx.models("plain"), ctx.model("plain", 22)
    moved = 0
    for i, ax in enumerate(drawn["F10"].axes):
        by_seed = _seed_lines(ax)
        for ck in models:
            expected = analysis.align_model(ck, ref)["dec_w"][i]
            np.testing.assert_allclose(by_seed[ck.seed], expected)
            moved += not np.allclose(expected, ck.dec_w[i])
        np.testing.assert_allclose(by_seed[22], ref.dec_w[i])
        # compensated, each seed's filter points the same way as the reference filter
        assert all(np.dot(y, ref.dec_w[i]) > 0 for y in by_seed.values())
    assert moved > 0  # F10 is not F9 again
    assert f"{analysis.consistency([ck.dec_w for ck in models]):.3f}" in drawn["F10"].get_suptitle()


def test_every_figure_titled_and_labelled(drawn):
    for fig_id, fig in drawn.items():
        plotted = [ax for ax in fig.axes if ax.axison]
        assert fig.get_suptitle() or all(ax.get_title() for ax in plotted), fig_id
        assert any(ax.get_xlabel() for ax in plotted) and any(ax.get_ylabel() for ax in plotted), fig_id
