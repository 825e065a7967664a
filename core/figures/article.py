"""Figures F1-F10 of the article (ids of docs/article.md): the data, the architecture, the training
loss, and the decoder / encoder explained as weighted sums and dot products on the real weights.

Every number drawn comes from the dataset or a shipped checkpoint (plain variant, seed 22 unless
a figure says otherwise). Filter colours mean filter / code channel 1, 2, 3 and nothing else.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import FancyArrowPatch, Rectangle

from core import analysis, data, overlap, story
from core.figures import FILTER_COLORS, PALETTE, REFERENCE_SEED, Context, figure, new_figure, style

F1_CURVES = tuple(range(9))  # the first nine curves of the dataset
# F4: one neutral colour and line style per variant; never the filter colours
VARIANT_STYLES = {
    "plain": (PALETTE.text, "-"),
    "code-noise": (PALETTE.accent, "--"),
    "input-noise": (PALETTE.output, "-."),
    "code-noise-article": (PALETTE.muted, ":"),
    "code-noise-relu": (PALETTE.data, (0, (5, 1.5, 1, 1.5, 1, 1.5))),
    "whole-curve": (PALETTE.output, (0, (1, 1.5))),  # its loss is over whole curves, not patches
}
ON_WHOLE_CURVES = {"whole-curve"}  # variants whose loss is the error over whole 15-sample curves
C1_ENOUGH = story.LOSS_ENOUGH  # the article's "enough" loss (C1)


def _fmt(values, digits: int = 2) -> str:
    return "(" + ", ".join(f"{v:.{digits}f}".replace("-", "\u2212") for v in values) + ")"


def _signed(v: float, digits: int = 3) -> str:
    return f"{v:+.{digits}f}".replace("-", "\u2212")


def _taps(ax) -> None:
    ax.set_xticks(range(data.PATCH))


# --- F1 ----------------------------------------------------------------------------------------------
@figure("F1", "curves", "3x3 grid of example curves from the dataset")
def curves(ctx: Context):
    fig, axes = new_figure(8.0, 6.0, nrows=3, ncols=3, sharex=True, sharey=True)
    x = np.arange(data.WINSIZE)
    for ax, i in zip(axes.flat, F1_CURVES):
        p1, p2 = ctx.params[i]
        ax.plot(x, ctx.curves[i], color=PALETTE.data, marker="o", markersize=3.5, label=f"_curve {i}")
        ax.axhline(0, color=PALETTE.muted, linewidth=0.6)
        style(ax, f"curve {i}: p1 {_signed(p1, 2)}, p2 {_signed(p2, 2)}")
    for ax in axes[-1]:
        ax.set_xlabel("sample", color=PALETTE.text)
        ax.set_xticks(range(0, data.WINSIZE, 2))
    for ax in axes[:, 0]:
        ax.set_ylabel("y", color=PALETTE.text)
    fig.suptitle(f"Example curves: {data.DATASIZE:,} Bezier curves, 15 samples each, two numbers (p1, p2) "
                 "per curve", color=PALETTE.text)
    return fig


# --- F2 ----------------------------------------------------------------------------------------------
def _window_brackets(ax, y0: float, step: float, starts: list[int]) -> None:
    for w, s in enumerate(starts):
        y = y0 - w * step
        last = s + data.KERNEL - 1
        ax.plot([s, s, last, last], [y + step * 0.3, y, y, y + step * 0.3], color=PALETTE.text,
                linewidth=1.2, label=f"_window {w + 1}")
        ax.text((s + last) / 2, y - step * 0.12, f"window {w + 1}: samples {s}\u2013{last}", ha="center",
                va="top", fontsize=8, color=PALETTE.text)


def _shade_overlaps(ax, starts: list[int], label: str | None) -> None:
    for a, b in zip(starts[1:], starts[:-1]):
        ax.axvspan(a - 0.5, b + data.KERNEL - 0.5, color=PALETTE.accent, alpha=0.10, linewidth=0,
                   label=label if a == starts[1] else None)


@figure("F2", "architecture", "full model: 15 samples -> 3 windows -> 3x3 code -> summed back")
def architecture(ctx: Context):
    ck = ctx.model("plain")
    idx, curve = ctx.demo
    shown = story.windows(ck, curve)
    codes, starts, pieces, out = shown.codes, shown.starts, shown.pieces, shown.output
    x = np.arange(data.WINSIZE)

    fig, (ax_in, ax_mid, ax_out) = new_figure(13.0, 4.9, ncols=3,
                                              gridspec_kw={"width_ratios": [1.2, 1.15, 1.2]})

    # 1. the input curve cut into windows
    ax_in.plot(x, curve, color=PALETTE.data, marker="o", markersize=4, label="input curve")
    _shade_overlaps(ax_in, starts, "overlap of two windows")
    step = 0.17
    _window_brackets(ax_in, -0.12, step, starts)
    ax_in.set_ylim(-0.12 - 2 * step - 0.2, max(curve.max(), out.max()) + 0.1)
    ax_in.set_xticks(range(0, data.WINSIZE, 2))
    style(ax_in, f"1. curve {idx}: 15 samples, cut into 3 windows of 7 (stride 4)", "sample", "y")
    ax_in.legend(loc="upper left")

    # 2. the code matrix between the encoder and decoder arrows
    ax_mid.set_axis_off()
    ax_mid.set_xlim(0, 10)
    ax_mid.set_ylim(0, 10)
    cell, x0, y_top = 1.45, 2.85, 7.6
    for c in range(3):
        for w in range(3):
            ax_mid.add_patch(Rectangle((x0 + w * cell, y_top - (c + 1) * cell), cell, cell, facecolor="white",
                                       edgecolor=FILTER_COLORS[c], linewidth=1.5))
            ax_mid.text(x0 + (w + 0.5) * cell, y_top - (c + 0.5) * cell, _signed(codes[c, w]), ha="center",
                        va="center", fontsize=9, color=FILTER_COLORS[c], gid=f"code-{c}-{w}")
        ax_mid.text(x0 - 0.1, y_top - (c + 0.5) * cell, f"ch {c + 1}", ha="right", va="center", fontsize=8.5,
                    color=FILTER_COLORS[c], fontweight="bold")
    for w in range(3):
        ax_mid.text(x0 + (w + 0.5) * cell, y_top + 0.15, f"win {w + 1}", ha="center", va="bottom",
                    fontsize=8.5, color=PALETTE.text)
    ax_mid.text(5.0, 9.6, "2. code: 3 channels \u00d7 3 windows", ha="center", va="top", fontsize=10,
                color=PALETTE.text)
    y_arrow = y_top - 1.5 * cell
    for xa, xb, label in ((0.0, x0 - 1.05, "encoder\nConv1d\nk 7, stride 4\n+ tanh"),
                          (x0 + 3 * cell + 0.15, 10.0, "decoder\nConvTranspose1d\nk 7, stride 4")):
        ax_mid.add_patch(FancyArrowPatch((xa, y_arrow), (xb, y_arrow), arrowstyle="-|>", mutation_scale=14,
                                         color=PALETTE.muted, linewidth=1.5))
        ax_mid.text((xa + xb) / 2, y_arrow - 0.35, label, ha="center", va="top", fontsize=7.5,
                    color=PALETTE.text, linespacing=1.15)
    ax_mid.add_patch(Rectangle((1.2, 0.3), 7.6, 2.2, facecolor="none", edgecolor=PALETTE.muted,
                               linestyle="--", linewidth=1.0))
    ax_mid.text(5.0, 1.4, "second stage 3\u00d73 \u2192 size-2 code (p1, p2):\ndescribed in the article, "
                "never built", ha="center", va="center", fontsize=8, color=PALETTE.muted)

    # 3. each window decoded, then summed where the windows overlap
    ax_out.plot(x, curve, color=PALETTE.data, linewidth=5, alpha=0.45, label="input curve")
    _shade_overlaps(ax_out, starts, "overlap: two windows added")
    for w, (s, piece, ls, mk) in enumerate(zip(starts, pieces, ("--", "-.", ":"), ("^", "s", "D"))):
        ax_out.plot(np.arange(s, s + data.PATCH), piece, color=PALETTE.output, linestyle=ls, linewidth=1.3,
                    marker=mk, markersize=4, markerfacecolor="white", label=f"window {w + 1} decoded")
    ax_out.plot(x, out, color=PALETTE.output, marker="o", markersize=4, linewidth=2.4,
                label="sum (+ bias): the output")
    ax_out.set_ylim(ax_in.get_ylim())
    ax_out.set_xticks(range(0, data.WINSIZE, 2))
    style(ax_out, "3. decoded windows summed back to 15 samples", "sample", "y")
    ax_out.legend(loc="lower center", ncols=2)

    doubled = ", ".join(f"{a}\u2013{b}" for a, b in overlap.spans(shown.doubled))
    fig.suptitle(f"The full model on one curve ({_who(ck)}): where windows overlap (samples "
                 f"{doubled}) the outputs add up and come out doubled", color=PALETTE.text)
    return fig


def _who(ck) -> str:
    """'plain model, seed 22': the checkpoint a figure's numbers come from, as its title says."""
    return f"{ck.variant} model, seed {ck.seed}"


# --- F3 ----------------------------------------------------------------------------------------------
@figure("F3", "patch_autoencoder", "the simplified patch autoencoder 7 -> 3 -> 7 on a real patch")
def patch_autoencoder(ctx: Context):
    ck = ctx.model("plain")
    idx, start, patch = story.demo_patch()
    code = ck.encode(patch[None])[0]
    recon = ck.decode(code[None])[0]

    fig, (ax, ax_plot) = new_figure(11.0, 4.8, ncols=2, gridspec_kw={"width_ratios": [2.1, 1.0]})
    ax.set_axis_off()
    ax.set_xlim(0, 10)
    ax.set_ylim(-1.4, 8.3)
    xs = (1.9, 5.0, 8.1)
    ys7 = np.linspace(6.6, 0.6, data.KERNEL)
    ys3 = np.array([5.1, 3.6, 2.1])
    for ya in ys7:
        for yb in ys3:
            ax.plot([xs[0], xs[1]], [ya, yb], color=PALETTE.muted, linewidth=0.6, alpha=0.4, label="_edge")
            ax.plot([xs[1], xs[2]], [yb, ya], color=PALETTE.muted, linewidth=0.6, alpha=0.4, label="_edge")
    ax.scatter(np.full(7, xs[0]), ys7, s=90, color=PALETTE.data, zorder=3)
    ax.scatter(np.full(7, xs[2]), ys7, s=90, color=PALETTE.output, zorder=3)
    ax.scatter(np.full(3, xs[1]), ys3, s=420, color=FILTER_COLORS, zorder=3)
    for k in range(data.KERNEL):
        for x, value, ha in ((xs[0] - 0.3, patch[k], "right"), (xs[2] + 0.3, recon[k], "left")):
            ax.text(x, ys7[k], f"{value:.3f}", ha=ha, va="center", fontsize=9, color=PALETTE.text)
    for i in range(3):
        ax.text(xs[1], ys3[i] + 0.42, f"c{i + 1} = {_signed(code[i])}", ha="center", va="bottom", fontsize=9,
                color=FILTER_COLORS[i], fontweight="bold", gid=f"code-{i}",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0})
    for x, text, colour in ((xs[0], "input patch\n7 samples", PALETTE.data),
                            (xs[1], "code\n3 numbers", PALETTE.text),
                            (xs[2], "output\n7 samples", PALETTE.output)):
        ax.text(x, -0.1, text, ha="center", va="top", fontsize=9.5, color=colour, fontweight="bold")
    for x, text in (((xs[0] + xs[1]) / 2, "encoder\nConv1d(1, 3, 7) + tanh"),
                    ((xs[1] + xs[2]) / 2, "decoder\nConvTranspose1d(3, 1, 7)")):
        ax.text(x, 7.3, text, ha="center", va="bottom", fontsize=9, color=PALETTE.text)

    k = np.arange(data.PATCH)
    ax_plot.plot(k, patch, color=PALETTE.data, linewidth=5, alpha=0.5, label="input patch (label)")
    ax_plot.plot(k, recon, color=PALETTE.output, marker="o", markersize=4, label="output")
    _taps(ax_plot)
    rms = float(np.sqrt(np.mean((recon - patch) ** 2)))
    style(ax_plot, f"input vs output (rms error {rms:.4f})", "sample in the patch", "y")
    ax_plot.legend(loc="best")
    fig.suptitle(f"The patch autoencoder 7 \u2192 3 \u2192 7 on a real patch: curve {idx}, samples "
                 f"{start}\u2013{start + data.KERNEL - 1} ({_who(ck)})", color=PALETTE.text)
    return fig


# --- F4 ----------------------------------------------------------------------------------------------
def loss_summary(models) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation over models of the per-epoch training loss."""
    table = np.array([ck.loss for ck in models], dtype=np.float64)
    return table.mean(axis=0), table.std(axis=0)


@figure("F4", "training_loss", "training loss per epoch, mean and std over ten seeds, per variant; "
        "final loss per variant")
def training_loss(ctx: Context):
    fig, (ax, bars) = new_figure(11.5, 4.6, ncols=2, width_ratios=(2.1, 1))
    n_seeds = 0
    finals = {}
    for variant, (colour, ls) in VARIANT_STYLES.items():
        models = ctx.models(variant)
        n_seeds = max(n_seeds, len(models))
        mean, std = loss_summary(models)
        finals[variant] = np.array([ck.final_loss for ck in models])
        epochs = np.arange(1, len(mean) + 1)
        low = np.where(mean - std > 0, mean - std, mean * 0.05)  # a log axis cannot show <= 0
        ax.fill_between(epochs, low, mean + std, color=colour, alpha=0.18, linewidth=0,
                        label=f"_{variant} std")
        where = ", on whole curves" if variant in ON_WHOLE_CURVES else ""
        ax.plot(epochs, mean, color=colour, linestyle=ls, linewidth=1.6,
                label=f"{variant} (final {mean[-1]:.1e}{where})")
    ax.axhline(C1_ENOUGH, color=PALETTE.muted, linewidth=0.9, linestyle=(0, (1, 3)),
               label="1e-4: the article's \u201cenough\u201d (C1)")
    ax.set_yscale("log")
    ax.set_ylim(bottom=10.0 ** np.floor(np.log10(ax.get_ylim()[0])))  # a labelled decade below the lowest
    style(ax, None, "epoch", "training loss, MSE (log scale)")
    ax.legend(title="variant: mean \u00b1 std", loc="upper right", title_fontsize=8)
    # what each kind of noise costs in reconstruction: the final loss, each seed a dot
    plain = finals["plain"].mean()
    for i, (variant, f) in enumerate(finals.items()):
        colour = VARIANT_STYLES[variant][0]
        bars.bar(i, f.mean(), 0.7, color=colour, alpha=0.35, edgecolor=colour, gid=f"final-{variant}")
        bars.plot(np.full(len(f), i), f, "o", ms=3, color=colour, gid=f"seeds-{variant}")
        versus = ("on whole curves" if variant in ON_WHOLE_CURVES  # another loss: no ratio to plain's
                  else f"{f.mean() / plain:.2g}\u00d7 plain")
        bars.text(i, f.max() * 1.15, f"{f.mean():.1e}\n{versus}", ha="center",
                  va="bottom", fontsize=7.5, color=PALETTE.text)
    bars.axhline(C1_ENOUGH, color=PALETTE.muted, linewidth=0.9, linestyle=(0, (1, 3)))
    bars.set_yscale("log")
    bars.set_ylim(10.0 ** np.floor(np.log10(min(f.min() for f in finals.values()))),
                  10.0 ** (np.log10(max(f.max() for f in finals.values())) + 0.6))
    bars.set_xticks(range(len(finals)), list(finals), rotation=25, ha="right")
    style(bars, "final loss per variant: the cost of each noise,\nand of training through the overlaps",
          None, "final training loss (log scale)")
    fig.suptitle(f"Training loss per epoch: mean and std band over {n_seeds} seeds", color=PALETTE.text)
    return fig


# --- F5 ----------------------------------------------------------------------------------------------
@figure("F5", "outputs", "labels vs network outputs for six patches")
def outputs(ctx: Context):
    ck = ctx.model("plain")
    idx = story.f5_indices(len(ctx.patches))
    chosen = ctx.patches[idx].astype(np.float64)
    recon = ck.decode(ck.encode(chosen))
    fig, axes = new_figure(9.0, 5.0, nrows=2, ncols=3, sharex=True, sharey=True)
    k = np.arange(data.PATCH)
    for ax, i, target, out in zip(axes.flat, idx, chosen, recon):
        rms = float(np.sqrt(np.mean((out - target) ** 2)))
        ax.plot(k, target, color=PALETTE.data, linewidth=5, alpha=0.5, label="label (the patch)")
        ax.plot(k, out, color=PALETTE.output, marker="o", markersize=3.5, linewidth=1.5,
                label="network output")
        style(ax, f"patch {i}: rms error {rms:.4f}")
        _taps(ax)
    for ax in axes[-1]:
        ax.set_xlabel("sample in the patch", color=PALETTE.text)
    for ax in axes[:, 0]:
        ax.set_ylabel("y", color=PALETTE.text)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2)
    fig.suptitle(f"Labels vs network outputs ({_who(ck)})", color=PALETTE.text)
    return fig


# --- F6 ----------------------------------------------------------------------------------------------
def _plot_filters(ax, filters: np.ndarray, name: str = "filter", linestyle: str = "-") -> None:
    for i, f in enumerate(filters):
        ax.plot(np.arange(len(f)), f, color=FILTER_COLORS[i], marker="o", markersize=3, linestyle=linestyle,
                label=f"{name} {i + 1}")


def _plot_weighted_sum(ax, ck, code: np.ndarray, digits: int = 2) -> np.ndarray:
    """Each decoder filter scaled by its code value (filter colours) and the decoder's output, their
    sum plus the bias (output colour). Returns the output."""
    k = np.arange(data.PATCH)
    for i in range(3):
        ax.plot(k, code[i] * ck.dec_w[i].astype(np.float64), color=FILTER_COLORS[i], linestyle="--",
                marker="o", markersize=3, linewidth=1.4,
                label=f"{_fmt([code[i]], digits)[1:-1]} \u00d7 filter {i + 1}")
    out = ck.decode(np.asarray(code, dtype=np.float64)[None])[0]
    ax.plot(k, out, color=PALETTE.output, linewidth=2.8, label=f"sum + bias ({_signed(ck.dec_b, 4)})")
    return out


@figure("F6", "filter_combination", "decoder as a combination of filters, for two codes")
def filter_combination(ctx: Context):
    ck = ctx.model("plain")
    fig, axes = new_figure(9.0, 6.2, nrows=2, ncols=2, sharex=True)
    axes[0, 1].sharey(axes[0, 0])
    axes[1, 1].sharey(axes[1, 0])
    for col, code in enumerate(story.F6_CODES):
        top, bottom = axes[0, col], axes[1, col]
        _plot_weighted_sum(top, ck, np.array(code))
        top.axhline(0, color=PALETTE.muted, linewidth=0.6)
        style(top, f"code {_fmt(code)}: scaled filters and their sum",
              ylabel="value" if col == 0 else None)
        top.legend(loc="best")
        _plot_filters(bottom, ck.dec_w)
        style(bottom, "the raw decoder filters", "filter tap", "weight" if col == 0 else None)
        _taps(bottom)
    axes[1, 0].legend(loc="best")
    fig.suptitle("The decoder is a weighted sum of its filters: output = c1\u00b7f1 + c2\u00b7f2 + "
                 f"c3\u00b7f3 + bias ({_who(ck)})", color=PALETTE.text)
    return fig


# --- F7 ----------------------------------------------------------------------------------------------
@figure("F7", "encoder_dot_products", "encoder: filters with an input, pointwise products and sums")
def encoder_dot_products(ctx: Context):
    ck = ctx.model("plain")
    idx, start, patch = story.demo_patch()
    steps = story.encoder_steps(ck, patch)
    fig, axes = new_figure(12.0, 6.0, nrows=3, ncols=2, gridspec_kw={"width_ratios": [1.0, 1.3]})
    gs = axes[0, 0].get_gridspec()
    for a in axes[:, 0]:
        a.remove()
    left = fig.add_subplot(gs[:, 0])
    k = np.arange(data.PATCH)
    left.plot(k, patch, color=PALETTE.data, linewidth=3, marker="o", markersize=5,
              label=f"input patch: curve {idx}, samples {start}\u2013{start + data.KERNEL - 1}")
    _plot_filters(left, ck.enc_w, "encoder filter")
    left.axhline(0, color=PALETTE.muted, linewidth=0.6)
    _taps(left)
    style(left, "the input patch and the three encoder filters", "sample / filter tap", "value")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2)

    right = axes[:, 1]
    lim = np.abs(steps["products"]).max() * 1.25
    for i, ax in enumerate(right):
        ax.bar(k, steps["products"][i], color=FILTER_COLORS[i], width=0.6, label=f"_products {i + 1}")
        ax.axhline(0, color=PALETTE.muted, linewidth=0.6)
        ax.set_ylim(-lim, lim)
        _taps(ax)
        style(ax, None, "sample" if i == 2 else None, "patch \u00d7 filter")
        ax.set_title(f"filter {i + 1}:  \u03a3 {_signed(steps['sums'][i])}  + bias {_signed(ck.enc_b[i], 4)}"
                     f"  = {_signed(steps['pre'][i])};  tanh \u2192 c{i + 1} = {_signed(steps['code'][i])}",
                     fontsize=9.5, color=FILTER_COLORS[i], fontweight="bold")
    for ax in right[:-1]:
        ax.tick_params(labelbottom=False)
    fig.suptitle("The encoder: each code number is tanh(\u03a3 patch \u00d7 filter + bias); code "
                 f"{_fmt(steps['code'], 3)} ({_who(ck)})", color=PALETTE.text)
    return fig


# --- F8 ----------------------------------------------------------------------------------------------
@figure("F8", "code_decoded", "that code decoded: filters scaled by the code and summed")
def code_decoded(ctx: Context):
    ck = ctx.model("plain")
    idx, start, patch = story.demo_patch()
    code = ck.encode(patch[None])[0]
    fig, (left, right) = new_figure(10.5, 4.4, ncols=2)
    _plot_filters(left, ck.dec_w, "decoder filter")
    left.axhline(0, color=PALETTE.muted, linewidth=0.6)
    _taps(left)
    style(left, "the decoder (deconv) filters", "filter tap", "weight")
    left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3)

    k = np.arange(data.PATCH)
    right.plot(k, patch, color=PALETTE.data, linewidth=5, alpha=0.5, label="input patch")
    out = _plot_weighted_sum(right, ck, code, digits=3)
    right.axhline(0, color=PALETTE.muted, linewidth=0.6)
    _taps(right)
    rms = float(np.sqrt(np.mean((out - patch) ** 2)))
    style(right, f"each filter \u00d7 its code value, and their sum (rms error {rms:.4f})",
          "sample in the patch", "value")
    right.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3)
    fig.suptitle(f"The code {_fmt(code, 3)} of curve {idx}'s patch decoded ({_who(ck)})",
                 color=PALETTE.text)
    return fig


# --- F9, F10 -----------------------------------------------------------------------------------------
def _filters_by_seed(ctx: Context, filter_sets: list[np.ndarray], panel_titles: list[str], title: str):
    seeds = [ck.seed for ck in ctx.models("plain")]
    fig, axes = new_figure(11.0, 4.0, ncols=3, sharey=True)
    k = np.arange(data.PATCH)
    for i, ax in enumerate(axes):
        for seed, filters in zip(seeds, filter_sets):
            ref = seed == REFERENCE_SEED
            ax.plot(k, filters[i], color=FILTER_COLORS[i], linewidth=2.8 if ref else 1.1,
                    alpha=1.0 if ref else 0.5, marker="o" if ref else None, markersize=3.5,
                    zorder=3 if ref else 2, label=f"_seed {seed}")
        ax.axhline(0, color=PALETTE.muted, linewidth=0.6)
        _taps(ax)
        style(ax, panel_titles[i], "filter tap", "weight" if i == 0 else None)
    ax0 = axes[0]
    ax0.plot([], [], color=PALETTE.muted, linewidth=2.8, marker="o", markersize=3.5,
             label=f"seed {REFERENCE_SEED}")
    ax0.plot([], [], color=PALETTE.muted, linewidth=1.1, alpha=0.5, label=f"the other {len(seeds) - 1} seeds")
    ax0.legend(loc="best")
    fig.suptitle(title, color=PALETTE.text)
    return fig


@figure("F9", "filters_by_seed", "decoder filters of the ten plain seeds, as trained")
def filters_by_seed(ctx: Context):
    models = ctx.models("plain")
    return _filters_by_seed(
        ctx, [ck.dec_w for ck in models], [f"filter {i + 1} as trained" for i in range(3)],
        f"Decoder filters of {len(models)} plain models (seeds {models[0].seed}\u2013{models[-1].seed}), "
        "as trained: order and sign are arbitrary")


@figure("F10", "filters_compensated", "the same filters, sign and order compensated onto seed 22")
def filters_compensated(ctx: Context):
    models, ref = ctx.models("plain"), ctx.model("plain")
    aligned = ctx.aligned("plain")
    cosines = np.array([analysis.match_filters(ck.dec_w, ref.dec_w).cosines
                        for ck in models if ck.seed != ref.seed])  # (seeds - 1, 3)
    titles = [f"matched to seed {ref.seed}'s filter {i + 1}: cosine {cosines[:, i].min():.2f}\u2013"
              f"{cosines[:, i].max():.2f}" for i in range(3)]
    score = analysis.consistency([ck.dec_w for ck in models])
    return _filters_by_seed(
        ctx, [a["dec_w"] for a in aligned], titles,
        f"The same filters, reordered and sign-flipped onto seed {ref.seed}'s: alike, not identical "
        f"(consistency {score:.3f}; 1 = identical)")
