"""Figures F12-F18 and C11: code noise orders the filters across seeds, zeroing one component, why
input noise smooths the encoder, and code noise with ReLU measured (claims C5-C7, C11; the same
measurements as scenes/code_noise.py and scenes/input_noise.py).
"""

from __future__ import annotations

import warnings
import weakref

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from core import analysis as an
from core import data, story
from core.figures import FILTER_COLORS, PALETTE, REFERENCE_SEED, Context, figure, new_figure, style

COMPONENTS = ("component 1", "component 2", "component 3")
TAPS = range(data.KERNEL)  # the x of a filter or patch plot

# ablation tables per Context and variant, shared by F14-F16 (a WeakKeyDictionary, so a Context
# that is dropped takes its entries with it)
_ABLATIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def ablations(ctx: Context, variant: str) -> tuple[np.ndarray, np.ndarray]:
    """analysis.ablation_summary over every seed of a variant on all training patches, computed once."""
    per_ctx = _ABLATIONS.setdefault(ctx, {})
    if variant not in per_ctx:
        per_ctx[variant] = an.ablation_summary(ctx.models(variant), ctx.patches)
    return per_ctx[variant]


def code_noise(ck) -> tuple[float, ...]:
    """The code noise std per channel a checkpoint was trained with (from its metadata)."""
    return ck.code_noise


def _zero_line(ax) -> None:
    ax.axhline(0, color=PALETTE.muted, linewidth=0.8, zorder=0)


def _sample_axis(ax, n: int) -> None:
    ax.set_xticks(range(n))
    ax.set_xlim(-0.4, n - 0.6)


# --- F12, F13: decoder filters of every code-noise seed ----------------------------------------------
def _seed_filters(ctx: Context, variant: str, compensated: bool, title: str):
    models = ctx.models(variant)
    aligned = ctx.aligned(variant)
    noise = code_noise(models[0])
    fig, axes = new_figure(10.5, 3.9, ncols=3)
    for k, ax in enumerate(axes):
        for ck, al in zip(models, aligned):
            f = al["dec_w"][k] if compensated else ck.dec_w[k]
            ref = ck.seed == REFERENCE_SEED
            # the reference underneath, so the thin lines of the other seeds show on top of it
            ax.plot(TAPS, f, color=FILTER_COLORS[k], lw=3.2 if ref else 1.2, alpha=0.45 if ref else 0.9,
                    marker="o", ms=5 if ref else 2.5, zorder=2 if ref else 3,
                    gid=f"filter{k + 1}-seed{ck.seed}")
        _zero_line(ax)
        _sample_axis(ax, data.KERNEL)
        if compensated:
            ref = ctx.model(variant)
            low = min(an.match_filters(ck.dec_w, ref.dec_w).cosines[k] for ck in models)
            head = f"cosine to seed {REFERENCE_SEED}: ≥ {np.floor(low * 1e5) / 1e5:.5f}"  # rounded down
        else:
            flipped = sum(1 for al in aligned if al["signs"][k] < 0)
            moved = sum(1 for al in aligned if al["perm"][k] != k)
            head = f"{flipped} of the other {len(models) - 1} seeds upside down"
            if moved:
                head += f", {moved} renumbered"
        style(ax, f"filter {k + 1}, code noise std {noise[k]:g}\n{head}", "tap", "weight" if k == 0 else None)
    handles = [Line2D([], [], color=PALETTE.muted, lw=3.2, alpha=0.45, marker="o", ms=5,
                      label=f"seed {REFERENCE_SEED} (the reference)"),
               Line2D([], [], color=PALETTE.muted, lw=1.2, alpha=0.9, marker="o", ms=2.5,
                      label=f"the other {len(models) - 1} seeds")]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    fig.suptitle(title, color=PALETTE.text)
    return fig


@figure("F12", "noise_filters_raw", "code-noise decoder filters of all seeds, as trained")
def noise_filters_raw(ctx: Context):
    n = len(ctx.models("code-noise"))
    return _seed_filters(ctx, "code-noise", False,
                         f"Code-noise models: the decoder filters of {n} seeds, as trained")


@figure("F13", "noise_filters_compensated", "code-noise decoder filters, sign and order compensated")
def noise_filters_compensated(ctx: Context):
    score = an.consistency([ck.dec_w for ck in ctx.models("code-noise")])
    plain = an.consistency([ck.dec_w for ck in ctx.models("plain")])
    return _seed_filters(
        ctx, "code-noise", True,
        f"Code-noise models, order and sign compensated onto seed {REFERENCE_SEED}: the seeds agree\n"
        f"consistency (mean cosine of matched filters, 1 = identical) {score:.5f}; plain models {plain:.3f}")


# --- F14: the ablation bars --------------------------------------------------------------------------
@figure("F14", "ablation", "loss increase when one code component is zeroed: code noise vs plain")
def ablation(ctx: Context):
    variants = {"plain": dict(hatch="///", alpha=0.4), "code-noise": dict(hatch=None, alpha=0.95)}
    noise = code_noise(ctx.model("code-noise"))
    fig, ax = new_figure(7.6, 4.6)
    x = np.arange(3)
    width, tops = 0.38, []
    # a log axis shows increases above 0 only (an undertrained model can lose nothing, or gain, from
    # zeroing a component: that bar is left out, its number is still written at the axis' foot)
    positive = np.concatenate([m[m > 0] for m in (ablations(ctx, v)[0] for v in variants)])
    lo = 10 ** np.floor(np.log10(positive.min() if positive.size else 1e-6))
    for j, (v, look) in enumerate(variants.items()):
        mean, std = ablations(ctx, v)
        xs = x + (j - 0.5) * width
        ax.bar(xs, mean, width * 0.92, yerr=std, color=FILTER_COLORS, edgecolor=FILTER_COLORS, linewidth=1.2,
               hatch=look["hatch"], alpha=look["alpha"], label=v,
               error_kw=dict(ecolor=PALETTE.text, capsize=3, elinewidth=1))
        for xi, m, s in zip(xs, mean, std):
            ax.text(xi, max(m + s, lo), f"{m:.1e}", ha="center", va="bottom", fontsize=7.5,
                    color=PALETTE.text)
        tops.append(mean + std)
    with warnings.catch_warnings():  # all increases <= 0: nothing to log-scale, said by the numbers
        warnings.filterwarnings("ignore", "Data has no positive values")
        ax.set_yscale("log")
    ax.set_ylim(lo, 10 ** (np.log10(max(max(t.max() for t in tops), 10 * lo)) + 0.45))
    ax.set_xticks(x, [f"{c}\n(code noise std {s:g})" for c, s in zip(COMPONENTS, noise)])
    n = len(ctx.models("plain"))
    style(ax, f"Zeroing one code component: loss increase, mean ± std over {n} seeds, all "
              f"{len(ctx.patches):,} patches", None, "increase of the mean square error (log)")
    for tick, col in zip(ax.get_xticklabels(), FILTER_COLORS):
        tick.set_color(col)
    handles = [Patch(facecolor=PALETTE.muted, edgecolor=PALETTE.muted, hatch="///", alpha=0.4,
                     label="plain model: every component costs about the same"),
               Patch(facecolor=PALETTE.muted, edgecolor=PALETTE.muted, alpha=0.95,
                     label="code-noise model: the noisiest component (1) costs least")]
    ax.legend(handles=handles, loc="upper left")
    return fig


# --- F15, F16: one patch with each component switched off ----------------------------------------------
def _ablation_outputs(ctx: Context, variant: str, heading: str):
    ck = ctx.model(variant)
    idx, _, patch = story.demo_patch()
    code = ck.encode(patch[None])[0]
    outs = story.ablated_outputs(ck, patch)
    removed = [code[k] * ck.dec_w[k] for k in range(3)]
    vals = np.concatenate([patch, outs.ravel(), *removed])
    pad = 0.08 * np.ptp(vals)
    fig, axes = new_figure(11.5, 3.6, ncols=4, sharey=True)
    names = ["full model"] + [f"{c} zeroed" for c in COMPONENTS]
    for j, (ax, out) in enumerate(zip(axes, outs)):
        ax.plot(TAPS, patch, color=PALETTE.data, lw=6, alpha=0.45, solid_capstyle="round",
                label="input patch", gid=f"input-{j}")
        ax.plot(TAPS, out, color=PALETTE.output, lw=2, marker="o", ms=4, label="output",
                gid=f"output-{j}")
        if j:
            ax.plot(TAPS, removed[j - 1], color=FILTER_COLORS[j - 1], lw=1.4, ls="--", marker=".",
                    label=f"removed: c{j} × filter {j}", gid=f"removed-{j}")
            ax.legend(handles=[ax.lines[-1]], loc="lower left")
        _zero_line(ax)
        _sample_axis(ax, data.KERNEL)
        ax.set_ylim(vals.min() - pad, vals.max() + pad)
        mse = float(np.mean((out - patch) ** 2))
        style(ax, f"{names[j]}\nMSE on this patch {mse:.1e}", "sample", "value" if j == 0 else None)
        if j:
            ax.title.set_color(FILTER_COLORS[j - 1])
    handles = [axes[0].lines[0], axes[0].lines[1]]
    fig.legend(handles=handles, loc="outside lower center", ncols=2)
    code_txt = ", ".join(f"{c:+.3f}" for c in code)
    fig.suptitle(f"{heading} (seed {ck.seed}), training patch {idx}: code ({code_txt}), one component "
                 f"zeroed at a time", color=PALETTE.text)
    return fig


@figure("F15", "ablation_outputs_noise", "code-noise model: output with each code component zeroed")
def ablation_outputs_noise(ctx: Context):
    return _ablation_outputs(ctx, "code-noise", "Code-noise model")


@figure("F16", "ablation_outputs_plain", "plain model: output with each code component zeroed")
def ablation_outputs_plain(ctx: Context):
    return _ablation_outputs(ctx, "plain", "Plain model")


# --- F17: similar points ----------------------------------------------------------------------------
SIMILAR_TOL = story.SIMILAR_TOL


def similar(ctx: Context) -> tuple[int, int, np.ndarray]:
    """(example curve index, sample, 3 look-alikes): analysis.look_alike_fan, as the noise video
    shows it."""
    idx, _ = ctx.demo
    sample, others = story.look_alikes(ctx.curves, idx)
    return idx, sample, others


@figure("F17", "similar_points", "curves that share one sample value")
def similar_points(ctx: Context):
    idx, sample, others = similar(ctx)
    curves, params = ctx.curves, ctx.params
    shown = [idx, *others]
    fig, ax = new_figure(7.6, 4.6)
    ax.axvline(sample, color=PALETTE.accent, lw=1.2, ls="--", zorder=1)

    def label(i: int) -> str:
        return (f"curve {i}: sample {sample} = {curves[i, sample]:.4f}   "
                f"(control points p1 {params[i, 0]:+.2f}, p2 {params[i, 1]:+.2f})")

    ax.plot(range(15), curves[idx], color=PALETTE.text, lw=2.8, marker="o", ms=4, label=label(idx),
            gid=f"curve-{idx}", zorder=3)
    for i, ls, mk in zip(others, ("--", "-.", ":"), ("s", "^", "D")):
        ax.plot(range(15), curves[i], color=PALETTE.data, lw=2, ls=ls, marker=mk, ms=4, label=label(i),
                gid=f"curve-{i}", zorder=2)
    ax.plot([sample] * len(shown), curves[shown, sample], ls="none", marker="o", ms=10, mfc="none",
            mec=PALETTE.accent, mew=1.6, zorder=4)
    _zero_line(ax)
    _sample_axis(ax, data.WINSIZE)
    spread = np.ptp(curves[shown, sample])
    style(ax, f"Similar points: {len(shown)} different curves whose sample {sample} differs by only "
              f"{spread:.4f}\n(the example curve and dataset curves within {SIMILAR_TOL} of it there)",
          "sample", "value")
    lo, hi = curves[shown].min(), curves[shown].max()
    ax.set_ylim(lo - 0.1 * (hi - lo), hi + 0.45 * (hi - lo))
    ax.legend(loc="upper center", fontsize=7.5)
    return fig


# --- F18: input noise smooths the encoder --------------------------------------------------------------
@figure("F18", "input_noise_encoder", "encoder filters: plain (jagged) vs input noise (smooth)")
def input_noise_encoder(ctx: Context):
    smooth = ctx.model("input-noise")
    # the other models' channels are renumbered and flipped onto the input-noise model's (channel k is
    # the one trained with code noise k); the plain model's numbering has no meaning of its own
    plain, noisy = ctx.model("plain"), ctx.model("code-noise")
    panels = [
        (plain, an.match_filters(plain.enc_w, smooth.enc_w).aligned, "plain model: no noise"),
        (noisy, an.match_filters(noisy.enc_w, smooth.enc_w).aligned, "code-noise model: code noise only"),
        (smooth, smooth.enc_w, "input-noise model: code noise + input noise"),
    ]
    noise = code_noise(smooth)
    found = {ck.variant: story.smoothness(ctx.models(ck.variant)) for ck, _, _ in panels}
    n = len(ctx.models("plain"))
    fig, axes = new_figure(13.5, 4.7, ncols=3, sharey=True)
    for j, (ax, (ck, filters, head)) in enumerate(zip(axes, panels)):
        jag = an.jaggedness(filters)
        for k in range(3):
            peak = np.abs(filters[k]).max()
            ax.plot(TAPS, filters[k] / peak, color=FILTER_COLORS[k], lw=2, marker="o", ms=4,
                    label=f"filter {k + 1}: largest |w| {peak:.2f}, jaggedness {jag[k]:.2f}",
                    gid=f"{ck.variant}-filter{k + 1}")
        _zero_line(ax)
        _sample_axis(ax, data.KERNEL)
        ax.set_ylim(-1.15, 1.75)
        mean = found[ck.variant].jagged
        style(ax, f"{head}, seed {ck.seed}\njaggedness per filter, mean of {n} seeds: "
                  + ", ".join(f"{x:.2f}" for x in mean), "tap",
              "weight / its largest |weight|" if j == 0 else None)
        ax.legend(loc="upper center", fontsize=7.5)
    noise_txt = ", ".join(f"{x:g}" for x in noise)
    rand = found["plain"].random
    fig.suptitle(f"Encoder filters, each scaled to its largest weight: input noise (std "
                 f"{smooth.metadata.get('input_noise', '?')}) smooths them\njaggedness: energy of the "
                 f"second differences over the filter's energy (0 = straight line; random filters "
                 f"{rand:.1f}); filter k is code channel k (code noise std {noise_txt}), the other models "
                 "matched onto it", color=PALETTE.text)
    return fig


# --- C11: ReLU instead of tanh, measured ----------------------------------------------------------------
@figure("C11", "relu_code_noise", "code noise with ReLU instead of tanh: codes, order, agreement")
def relu_code_noise(ctx: Context):
    tanh_v, relu_v = "code-noise", "code-noise-relu"
    ch = {v: story.channels(ctx.models(v), ctx.patches) for v in (tanh_v, relu_v)}
    agree = {v: story.seed_agreement(ctx.models(v)) for v in ("plain", tanh_v, relu_v)}
    fig, (a, b, c) = new_figure(13.5, 4.6, ncols=3)
    x = np.arange(3)
    looks = ((tanh_v, dict(hatch=None, alpha=0.95)), (relu_v, dict(hatch="///", alpha=0.45)))
    for j, (v, look) in enumerate(looks):
        surv = ch[v].survives
        a.bar(x + (j - 0.5) * 0.38, surv, 0.35, color=FILTER_COLORS, edgecolor=FILTER_COLORS, label=v,
              gid=f"survives-{v}", **look)
        for xi, y in zip(x + (j - 0.5) * 0.38, surv):
            a.text(xi, y * 1.08, f"{y:.0f}\u00d7", ha="center", va="bottom", fontsize=7.5, color=PALETTE.text)
    a.set_yscale("log")
    a.set_xticks(x, [f"channel {k + 1}\nnoise std {s:g}" for k, s in enumerate(ch[tanh_v].noise)])
    style(a, "code spread over its noise (std over std, median of seeds):\nhow far each channel's code "
             "outgrows its noise", None, "code std / noise std (log)")
    a.legend(handles=[Patch(facecolor=PALETTE.muted, alpha=0.95, label=f"{tanh_v} (tanh)"),
                      Patch(facecolor=PALETTE.muted, alpha=0.45, hatch="///", label=f"{relu_v} (ReLU)")],
             loc="upper left")
    for m in ctx.models(relu_v):  # every seed's costs, share of their total: is 1 < 2 < 3?
        cost = an.ablation(m, ctx.patches)
        ordered = bool(np.all(np.diff(cost) > 0))
        dead = bool(np.any(an.code_spread(m, ctx.patches) == 0))
        b.plot(x + 1, cost / cost.sum(), color=PALETTE.output if ordered else PALETTE.accent, marker="o",
               lw=1.2, alpha=0.85, ls="--" if dead else "-", gid=f"relu-seed{m.seed}")
    b.set_xticks(x + 1, ["zero 1", "zero 2", "zero 3"])
    style(b, f"{relu_v}: cost of zeroing each component, per seed\n(share of the seed's total); "
             f"order 1 < 2 < 3 in {ch[relu_v].ordered} of {ch[relu_v].seeds} seeds "
             f"(tanh: {ch[tanh_v].ordered} of {ch[tanh_v].seeds})", None, "share of the loss increase")
    b.legend(handles=[Line2D([], [], color=PALETTE.output, marker="o", label="ordered 1 < 2 < 3"),
                      Line2D([], [], color=PALETTE.accent, marker="o", label="out of order"),
                      Line2D([], [], color=PALETTE.muted, ls="--", label="a channel dead (code always 0)")],
             loc="upper left")
    names = list(agree)
    c.bar(range(3), [agree[v].score for v in names], 0.6, color=PALETTE.text, alpha=0.6, gid="consistency")
    c.scatter(range(3), [agree[v].baseline for v in names], marker="_", s=600, color=PALETTE.accent,
              zorder=3, label="random filters (same symmetries)", gid="baseline")
    for i, v in enumerate(names):
        c.text(i, agree[v].score + 0.02, f"{agree[v].score:.3f}", ha="center", va="bottom", fontsize=8,
               color=PALETTE.text)
    c.set_xticks(range(3), [f"{v}\n({'order only' if not agree[v].flips else 'order and sign'})"
                            for v in names], fontsize=7.5)
    c.set_ylim(0, 1.15)
    style(c, "seed agreement: consistency of the decoder filters", None, "consistency (1 = identical)")
    c.legend(loc="upper right")
    verdict = story.relu_verdict(ch[relu_v], ch[tanh_v], agree[relu_v], agree[tanh_v]).shown
    fig.suptitle(f"C11, measured: code noise with ReLU instead of tanh, {ch[relu_v].seeds} seeds\n{verdict}",
                 color=PALETTE.text)
    return fig
