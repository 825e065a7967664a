"""Figures F19-F22: the patch model run over whole curves adds overlapping windows, and the
article's fixes on the decoder taps (claims C8-C10; the same measurements as scenes/overlap.py).
"""

from __future__ import annotations

import weakref

import numpy as np

from core import data, story
from core import overlap as ov
from core.figures import PALETTE, Context, figure, new_figure, style

LENGTH = data.WINSIZE
VARIANT = "plain"  # the model the overlap figures assemble (the overlap video's default, seed 22)
FIX_NAMES = {"raw": "as trained", "halved": "halved taps", "tapered": "tapered taps",
             "normalised": "divided by the summed window"}
INSIDE = story.region_samples(LENGTH)["interior"]  # '3-11'

# per Context: the example's codes and outputs and the error numbers, computed once
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def assembled(ctx: Context) -> dict:
    """The assembled model on the example curve: model, curve, codes (3, 3), output per fix, the
    model's mean square errors per fix and region over all curves, and the table over all seeds."""
    if ctx not in _CACHE:
        ck = ctx.model(VARIANT)
        idx, curve = ctx.demo
        _CACHE[ctx] = {
            "ck": ck, "index": idx, "curve": curve, "codes": ck.encode_windows(curve),
            "outputs": story.fixed_outputs(ck, curve),
            "errors": {f: ov.errors(ck, ctx.curves, f) for f in ov.FIXES},
        }
    return _CACHE[ctx]


def all_seeds_errors(ctx: Context) -> dict[str, dict[str, float]]:
    got = assembled(ctx)
    if "table" not in got:
        got["table"] = ov.error_table(ctx.models(VARIANT), ctx.curves)
    return got["table"]


def _shade(ax, mask: np.ndarray, label: str, alpha: float = 0.14) -> None:
    for n, (a, b) in enumerate(ov.spans(np.flatnonzero(mask))):
        ax.axvspan(a - 0.5, b + 0.5, color=PALETTE.accent, alpha=alpha, lw=0, zorder=0,
                   label=label if n == 0 else None, gid=f"shade-{a}-{b}")


def _curve_axes(ax, got: dict, fixes: list[str], legend_lines: int = 0) -> None:
    """Common limits of the whole-curve panels: every output shown and the curve fit, with room
    below the curves for a legend of `legend_lines` entries."""
    vals = np.concatenate([got["curve"], *(got["outputs"][f] for f in fixes)])
    span = np.ptp(vals)
    ax.set_ylim(vals.min() - (0.08 + 0.075 * legend_lines) * span, vals.max() + 0.08 * span)
    ax.set_xticks(range(LENGTH))
    ax.set_xlim(-0.6, LENGTH - 0.4)
    ax.axhline(0, color=PALETTE.muted, lw=0.8, zorder=0)


def _err(e: dict[str, float]) -> str:
    return f"samples {INSIDE}: {e['interior']:.1e}, borders: {e['borders']:.1e}"


def _input_line(ax, got: dict) -> None:
    ax.plot(range(LENGTH), got["curve"], color=PALETTE.data, lw=6, alpha=0.45, solid_capstyle="round",
            label=f"input: dataset curve {got['index']}", gid="input", zorder=1)


# --- F19 ---------------------------------------------------------------------------------------------
@figure("F19", "overlap_doubled", "the patch model over a whole curve: overlaps come out doubled")
def overlap_doubled(ctx: Context):
    got = assembled(ctx)
    ck, out, curve = got["ck"], got["outputs"]["raw"], got["curve"]
    doubled = ov.coverage(LENGTH) > 1
    spans = ov.spans_text(np.flatnonzero(doubled), joiner=" and ")
    ratio = out[doubled] / curve[doubled]
    fig, ax = new_figure(7.8, 4.4)
    _shade(ax, doubled, f"samples {spans}: two windows overlap")
    _input_line(ax, got)
    ax.plot(range(LENGTH), out, color=PALETTE.output, lw=2.2, marker="o", ms=4.5, zorder=3, gid="output",
            label=f"output (MSE over all curves: {_err(got['errors']['raw'])})")
    ax.plot(np.flatnonzero(doubled), out[doubled], ls="none", marker="o", ms=10, mfc="none",
            mec=PALETTE.accent, mew=1.6, zorder=4)
    _curve_axes(ax, got, ["raw"], 3)
    style(ax, f"The patch model ({ck.variant}, seed {ck.seed}) run over a whole curve: three windows, "
              f"stride 4\nwhere two windows overlap the output is {ratio.min():.2f}-{ratio.max():.2f}x "
              f"the input", "sample", "value")
    ax.legend(loc="lower center")
    return fig


# --- F20 ---------------------------------------------------------------------------------------------
WINDOW_STYLES = (("--", "o"), ("-.", "s"), (":", "^"))


@figure("F20", "overlap_windows", "the overlapping transposed-conv windows that are summed")
def overlap_windows(ctx: Context):
    """One row per window (its decoded patch placed at its start), then their sum, then how many
    windows reach each sample."""
    got = assembled(ctx)
    ck, codes, out = got["ck"], got["codes"], got["outputs"]["raw"]
    starts = ov.window_starts(LENGTH)
    cov = ov.coverage(LENGTH)
    rows = len(starts) + 2
    fig, axes = new_figure(7.8, 8.4, nrows=rows, sharex=True, height_ratios=[1] * len(starts) + [2.4, 1])
    *win_axes, ax, bx = axes
    placed = [codes[:, w] @ ck.dec_w for w in range(len(starts))]
    lo = min(0.0, *(p.min() for p in placed))
    hi = max(p.max() for p in placed)
    for w, (wx, s, (ls, mk)) in enumerate(zip(win_axes, starts, WINDOW_STYLES)):
        wx.axvspan(s - 0.5, s + ov.KERNEL - 0.5, color=PALETTE.muted, alpha=0.1, lw=0, zorder=0)
        wx.plot(s + np.arange(ov.KERNEL), placed[w], color=PALETTE.output, lw=2, ls=ls, marker=mk, ms=4.5,
                gid=f"window{w + 1}")
        wx.set_ylim(lo - 0.15 * (hi - lo), hi + 0.4 * (hi - lo))
        code = ", ".join(f"{c:+.2f}" for c in codes[:, w])
        left = s > 0  # the label on the side away from the window where there is room
        wx.text(0.01 if left else 0.99, 0.93,
                f"window {w + 1}: code ({code}) decoded, placed at samples {s}-{s + ov.KERNEL - 1}",
                transform=wx.transAxes, ha="left" if left else "right", va="top", fontsize=8,
                color=PALETTE.text)
        style(wx, f"Transposed convolution ({ck.variant}, seed {ck.seed}): each window's decoded patch is "
                  f"placed at its start ..." if w == 0 else None, None, "value")
    _shade(ax, cov > 1, "two windows overlap")
    _input_line(ax, got)
    for w, (s, (ls, mk)) in enumerate(zip(starts, WINDOW_STYLES)):
        ax.plot(s + np.arange(ov.KERNEL), placed[w], color=PALETTE.output, lw=1, ls=ls, marker=mk, ms=3,
                alpha=0.6, zorder=2, label=f"window {w + 1}")
    ax.plot(range(LENGTH), out, color=PALETTE.output, lw=2.6, marker="o", ms=5, zorder=3, gid="sum",
            label=f"sum of the windows, + bias {ck.dec_b:+.4f}")
    _curve_axes(ax, got, ["raw"])
    style(ax, "... and the windows are added", None, "value")
    ax.legend(loc="upper left", fontsize=7.5)
    colors = [PALETTE.accent if c > 1 else PALETTE.muted for c in cov]
    bx.bar(range(LENGTH), cov, 0.7, color=colors, label="_coverage")
    for i, c in enumerate(cov):
        bx.text(i, c + 0.1, str(c), ha="center", va="bottom", fontsize=8,
                color=PALETTE.accent if c > 1 else PALETTE.text)
    bx.set_ylim(0, cov.max() + 1)
    bx.set_yticks(range(cov.max() + 1))
    style(bx, "windows reaching each sample", "sample", "windows")
    bx.grid(False)
    return fig


# --- F21, F22: the fixes on the taps -----------------------------------------------------------------
def _fix_figure(ctx: Context, fixes: list[str], heading: str):
    """Left: the tap multipliers and what they add up to per sample; right: the outputs."""
    got = assembled(ctx)
    ck = got["ck"]
    fig, axes = new_figure(11.0, 5.0, nrows=2, ncols=2, width_ratios=[1, 1.9])
    gs = axes[0, 1].get_gridspec()
    for a in axes[:, 1]:
        a.remove()
    tx, sx = axes[:, 0]
    ax = fig.add_subplot(gs[:, 1])
    styles = {fixes[0]: ("-", "o"), **({fixes[1]: ("--", "D")} if len(fixes) > 1 else {})}
    taps = ov.FIXES[fixes[0]]
    tx.bar(range(ov.KERNEL), np.ones(ov.KERNEL), 0.7, color="none", edgecolor=PALETTE.muted, ls=":",
           label="as trained: 1")
    tx.bar(range(ov.KERNEL), taps, 0.7, color=PALETTE.output, alpha=0.85, label=FIX_NAMES[fixes[0]])
    for k, t in enumerate(taps):
        tx.text(k, t + 0.03, f"{t:g}", ha="center", va="bottom", fontsize=7.5, color=PALETTE.text)
    tx.set_ylim(0, 1.45)
    tx.set_xticks(range(ov.KERNEL))
    style(tx, "multiplier on each decoder tap", "tap", "multiplier")
    tx.legend(loc="upper left", ncols=2, fontsize=7.5)
    tx.grid(False)
    borders = ov.regions(LENGTH)["borders"]
    total = ov.summed_window(LENGTH, taps)
    sx.bar(range(LENGTH), total, 0.7, color=[PALETTE.accent if b else PALETTE.muted for b in borders],
           label="_summed")
    sx.axhline(1, color=PALETTE.text, lw=1, ls="--", label="1: each sample counted once")
    if "normalised" in fixes:
        # dividing each sample by what reached it leaves a total weight of exactly 1 everywhere
        sx.plot(range(LENGTH), np.ones(LENGTH), ls="none", marker="D", ms=4, color=PALETTE.output,
                label="divided by the summed window: 1 everywhere")
    sx.set_ylim(0, 1.75 if len(fixes) > 1 else 1.55)
    sx.set_xticks(range(LENGTH))
    style(sx, f"{FIX_NAMES[fixes[0]]}: summed over the windows", "sample", "total weight")
    sx.legend(loc="upper left", fontsize=7.5)
    sx.grid(False)

    _shade(ax, borders, "borders: only one window, off-centre", alpha=0.1)
    _input_line(ax, got)
    ax.plot(range(LENGTH), got["outputs"]["raw"], color=PALETTE.muted, lw=1.2, ls=":", zorder=2,
            label=f"{FIX_NAMES['raw']} ({_err(got['errors']['raw'])})", gid="output-raw")
    for f in fixes:
        ls, mk = styles[f]
        ax.plot(range(LENGTH), got["outputs"][f], color=PALETTE.output, lw=2.2, ls=ls, marker=mk, ms=4.5,
                zorder=3, label=f"{FIX_NAMES[f]} ({_err(got['errors'][f])})", gid=f"output-{f}")
    _curve_axes(ax, got, ["raw", *fixes], 3 + len(fixes))
    style(ax, f"output ({ck.variant}, seed {ck.seed}); in brackets: mean square error over all "
              f"{len(ctx.curves):,} curves", "sample", "value")
    ax.legend(loc="lower center", fontsize=7.5)
    fig.suptitle(heading, color=PALETTE.text)
    return fig


@figure("F21", "overlap_halved", "halving the overlapping taps: the borders come out wrong")
def overlap_halved(ctx: Context):
    return _fix_figure(
        ctx, ["halved"],
        "Halving every tap but the middle one: the overlaps are right, the borders drop to half")


@figure("F22", "overlap_tapered", "tapering the taps: smoother, the borders still wrong")
def overlap_tapered(ctx: Context):
    table = all_seeds_errors(ctx)
    n = len(ctx.models(VARIANT))
    summary = ", ".join(f"{f} {table[f]['whole']:.1e}" for f in ov.FIXES)
    rough = ov.delta2_table(ctx.models(VARIANT), ctx.curves)  # C10 measured as smoothness
    t, h = rough["tapered"], rough["halved"]
    smoother = "smoother than halved" if t < h else "not smoother than halved"
    return _fix_figure(
        ctx, ["tapered", "normalised"],
        f"Tapered taps: {smoother}, the borders still sag; dividing by the summed window (beyond the "
        f"article) mends them\nwhole-curve MSE, mean of {n} {VARIANT} seeds: {summary}\n"
        f"mean |Δ²(output) − Δ²(curve)|: tapered {t:.1e}, halved {h:.1e}")
