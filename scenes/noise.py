"""`manim -pqh scenes/noise.py`: why noise of a different size per code channel orders the
components, what the article's code really did, and why input noise smooths the encoder.

Article (docs/article.md): claims C4-C7, figures F9-F18. Every number is measured at render time
on the models of all variants and seeds in the checkpoint folder (core.analysis, core.story);
DECONV_SEED picks the model used as example. The subtitles (NoiseScene.srt beside the video) say
the same numbers and choose their sentences from the same measurements as the screen.
"""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Create,
    DashedLine,
    Ellipse,
    Rectangle,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from core import analysis as an
from core import data, story
from core.data import KERNEL, WINSIZE
from core.subtitles import fmt
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import checkpoint_dir, load_model, load_variants, shipped
from scenes.speed import Drive, fade_in, fade_out
from scenes.stage import Explainer

SHOWN_SEEDS = 4  # seeds drawn side by side; scores use all of them
HUES = th.FILTER_NAMES  # th.FILTER_COLORS by name, for the subtitles
AGREE = 0.99  # consistency from which the subtitles say the seeds' filters coincide
VARIANTS = ("plain", "code-noise", "input-noise", "code-noise-article")


class NoiseScene(Explainer):
    def construct(self):
        self.ck = load_model()  # the example model (its seed picks the examples)
        self.models = load_variants(VARIANTS, at_least=2)
        self.patches = data.make_patches().astype(np.float64)
        where = "the shipped checkpoints" if shipped() else f"the checkpoints in {checkpoint_dir()}"
        footer = th.text(f"models: {where}, all seeds of each variant", th.SMALL_SIZE - 4, th.MUTED_COLOR)
        self.show_footer(footer.to_corner(DOWN + LEFT, buff=0.1))
        self.scores = {v: an.consistency([m.dec_w for m in ms]) for v, ms in self.models.items()}
        self.ablations = {v: an.ablation_summary(ms, self.patches) for v, ms in self.models.items()}

        self.next_section("seeds-disagree")
        self.seeds("plain", "Different seeds, different filters",
                   "plain models: even with order and sign compensated, the filters differ")
        self.begin("noise-idea")
        self.noise_idea()
        self.shaken_models()
        self.begin("noise-orders-components")
        self.seeds("code-noise", "With code noise, the seeds agree",
                   "noise std 0.1, 0.01, 0.001 on channels 1, 2, 3: the same filters every time")
        self.begin("ablation")
        self.ablation()
        self.begin("what-the-code-did")
        self.what_the_code_did()
        self.begin("input-noise")
        self.input_noise()

    def example(self, variant: str):
        """The model of the example's seed in `variant` (else its first seed)."""
        return story.model_for(self.models[variant], self.ck.seed)

    # --- 1 and 3: filters of several seeds, then order and sign compensated (F9, F10, F12, F13) -------
    def seeds(self, variant: str, heading: str, conclusion: str):
        models, ref = self.models[variant], self.example(variant)
        title = th.title(heading)
        b = SeedsBoard(models, ref, title)
        note = th.text("decoder filters as trained: filter 1, 2, 3 of each seed", th.LABEL_SIZE)
        note.next_to(title, DOWN, 0.15)
        note2 = th.text(f"renumber and flip each seed's filters to match seed {ref.seed} (the best of "
                        f"{math.factorial(3) * 2**3} ways)", th.LABEL_SIZE).move_to(note)  # orders x signs
        score, plain, n = self.scores[variant], self.scores["plain"], len(models)
        lines = [th.lines(conclusion, th.LABEL_SIZE, th.OUTPUT_COLOR),
                 th.text(f"consistency over all {n} seeds: {score:.3f}", th.LABEL_SIZE),
                 th.text("(the mean cosine of matched filters; 1 = identical)", th.SMALL_SIZE)]
        if variant != "plain":
            lines.append(th.text(f"plain models: {plain:.3f}", th.LABEL_SIZE, th.MUTED_COLOR))
        result = VGroup(*lines).arrange(DOWN, buff=0.2).next_to(b.plots, DOWN, buff=0.6)

        self.say(f"Decoder filters of {len(b.shown)} {variant} models, one per seed: "
                 + ", ".join(f"{i + 1} {h}" for i, h in enumerate(HUES)) + ".")
        self.play(Write(title), fade_in(b.plots, *b.raw, note), run_time=1.5)
        self.wait(3)
        self.say(f"Each seed's filters are renumbered and flipped to match seed {ref.seed}.")
        self.play(fade_out(note), fade_in(note2), run_time=0.6)
        self.play(*b.moves(), run_time=3)
        self.say("Matched up, they coincide." if score >= AGREE else "Matched up, they still differ.")
        self.wait(2)
        if variant == "plain":
            self.say(f"Consistency over all {n} seeds: {score:.3f}, the mean cosine of matched filters.",
                     "1 would mean identical filters.")
        else:
            self.say(f"Consistency over all {n} seeds: {score:.3f}, where 1 means identical.",
                     f"The plain models reach {'only ' if plain < score else ''}{plain:.3f}.")
        self.play(fade_in(result), run_time=1)
        self.wait(4.5)
        self.payoff()

    # --- 2. the noise idea (F11) ------------------------------------------------------------------
    def noise_idea(self):
        ck = self.ck if self.ck.variant == "plain" else self.models["plain"][0]
        codes, code, sigma = story.noise_point(ck, self.patches)
        title = th.title("The idea: shake the code while training")
        b = NoisePlane(ck, codes, code, sigma, title)
        captions = [th.text(t, th.LABEL_SIZE, col).next_to(title, DOWN, 0.15) for t, col in (
            (f"codes of real patches (plain model, seed {ck.seed})", th.DATA_COLOR),
            ("noise of the same size in c1 and c2: every direction matters alike", th.TEXT_COLOR),
            ("more noise in c1 than in c2: c1 can only carry what survives it", th.ACCENT_COLOR))]
        self.say(f"{th.DATA_NAME.capitalize()}: codes of real patches, c1 across, c2 up.")
        self.play(Write(title), fade_in(b.axes, b.labels, b.cloud, captions[0]), run_time=1.5)
        self.play(fade_in(b.plot, b.clean, b.shaken, b.ring, b.dot), run_time=1)
        with speed.live(self, b.dot, b.shaken, b.ring, update=b.update):
            self.say(f"The {th.OUTPUT_NAME} dot shakes one code equally in c1 and c2.",
                     "Right: the decoded curve wobbles with it.")
            self.play(fade_out(captions[0]), fade_in(captions[1]), run_time=0.6)
            self.play(b.theta.animate.set_value(4 * np.pi), run_time=5, rate_func=linear)
            self.say("Now more noise in c1 than in c2: the ring stretches along c1.",
                     "c1 can only carry what survives the noise.")
            self.play(fade_out(captions[1]), fade_in(captions[2]), b.sx.animate.set_value(3 * sigma),
                      b.sy.animate.set_value(sigma / 3), run_time=1.2)
            self.play(b.theta.animate.set_value(8 * np.pi), run_time=5, rate_func=linear)
        end = th.text("so training puts the most important feature in the quietest channel", th.LABEL_SIZE,
                      th.OUTPUT_COLOR).next_to(VGroup(b.axes, b.plot), DOWN, buff=0.45)
        self.say("So training puts the most important feature in the quietest channel.")
        self.play(fade_in(end), run_time=0.8)
        self.wait(3.5)
        self.payoff()

    def shaken_models(self):
        """Both trained models shaken by the code-noise training scales: the plain decoder's output
        swings, the code-noise decoder's barely moves (it learnt to ignore what the noise can hide)."""
        self.clear_stage()
        title = th.title("After training: shake both models the same way")
        scales = np.array(self.models["code-noise"][0].code_noise)  # as trained, from the checkpoint
        b = ShakeBoard([self.example(v) for v in ("plain", "code-noise")], scales, title)
        (rms_a, name_a), (rms_b, name_b) = zip(b.rms, (m.variant for m in b.models))
        noise_txt = ", ".join(f"{x:g}" for x in scales)
        calm, wild = sorted([(rms_a, name_a), (rms_b, name_b)])
        ratio = wild[0] / max(calm[0], 1e-12)
        self.say(f"Both trained models get the same noise: std {noise_txt}.",
                 f"The {wild[1]} output swings; the {calm[1]} one barely moves." if ratio >= 10
                 else f"The {wild[1]} output moves {ratio:.1f}x more than the {calm[1]} one.")
        caption = th.text(f"the same code noise for both: std {noise_txt} on c1, c2, c3", th.SMALL_SIZE + 2)
        self.play(Write(title), fade_in(b.plots, *b.clean, *b.moving, caption.next_to(title, DOWN, 0.15)),
                  run_time=1.2)
        self.play(Drive(VGroup(*b.moving), b.shake, run_time=5, rate_func=linear))
        self.say(f"Output moves by {rms_a:.3f} (rms) for {name_a}, {rms_b:.3f} for {name_b}.")
        self.play(fade_in(b.notes), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 4. ablation (F14, F15, F16) ------------------------------------------------------------------
    def ablation(self):
        title = th.title("Switch one component off: what does it cost?")
        chart = LogBars({v: self.ablations[v][0] for v in ("plain", "code-noise")}, group_width=3.6,
                        heading="loss increase, one component zeroed")
        legend = VGroup(*[th.text(f"component {k + 1}", th.SMALL_SIZE, th.FILTER_COLORS[k])
                          for k in range(3)])
        legend.arrange(RIGHT, buff=0.4)
        VGroup(chart, legend).arrange(DOWN, buff=0.3).next_to(title, DOWN, buff=0.4).to_edge(LEFT, buff=0.75)
        self.say("Loss increase when one component is zeroed: plain left, code-noise right.")
        self.play(Write(title), fade_in(chart, legend), run_time=1.5)
        self.wait(3)
        models = {v: self.example(v) for v in ("code-noise", "plain")}
        grid, sigs = ablated_grid(models, story.demo_patch()[2], beside=chart)
        self.say(f"Right: one patch ({th.DATA_NAME}) rebuilt with each component off ({th.OUTPUT_NAME}).")
        self.play(fade_in(grid, sigs), run_time=1.2)
        self.wait(2.5)
        plain, noisy = self.ablations["plain"][0], self.ablations["code-noise"][0]
        note = VGroup(
            th.text(f"code-noise: off with the noisiest component (1) costs {noisy[0]:.1e}, "
                    f"with the quietest (3) {noisy[2]:.1e}", th.SMALL_SIZE, th.OUTPUT_COLOR),
            th.text(f"plain: every component costs about the same, {plain.min():.1e} to {plain.max():.1e}",
                    th.SMALL_SIZE)).arrange(DOWN, buff=0.1).to_edge(DOWN, buff=0.5)
        self.say(f"Code-noise: zeroing the noisiest, 1, costs {noisy[0]:.1e}; "
                 f"the quietest, 3, {noisy[2]:.1e}.",
                 f"Plain: all cost about the same, {plain.min():.1e} to {plain.max():.1e}.")
        self.play(fade_in(note), run_time=0.8)
        self.wait(5)
        self.payoff()

    # --- 5. what the article's code really did ------------------------------------------------------
    def what_the_code_did(self):
        meant = self.models["code-noise"][0].code_noise  # as trained, from the checkpoints
        did = self.models["code-noise-article"][0].code_noise
        title = th.title("What the article's code really did")
        code = VGroup(*[th.text(s, th.LABEL_SIZE - 2, th.TEXT_COLOR, font="DejaVu Sans Mono") for s in (
            "coderand[:, 0 :] *= 0.1", "coderand[:, 1 :] *= 0.01", "coderand[:, 2 :] *= 0.001")])
        code.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        expl = VGroup(
            th.text("Python counts from 0: '1 :'", th.SMALL_SIZE),
            th.text("is c2 and c3, the factors multiply", th.SMALL_SIZE),
            th.text("meant:   " + ", ".join(f"{s:g}" for s in meant), th.SMALL_SIZE, th.OUTPUT_COLOR),
            th.text("applied: " + ", ".join(f"{s:g}" for s in did), th.SMALL_SIZE, th.ACCENT_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        left = VGroup(code, expl).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        chart = LogBars({v: self.ablations[v][0] for v in ("code-noise", "code-noise-article")},
                        "loss increase per zeroed component")
        VGroup(left, chart).arrange(RIGHT, buff=0.8).next_to(title, DOWN, buff=0.6)
        self.say("The article's code sets the noise with these three lines.")
        self.play(Write(title), fade_in(code), run_time=1.2)
        self.wait(2)
        applied = ", ".join(f"{s:g}" for s in did)
        self.say(f"Python counts from 0: '1 :' is c2 and c3, so the factors multiply: {applied}.")
        self.play(fade_in(expl), run_time=1)
        self.wait(3)
        self.say("Bars: zeroing costs, meant noise left, applied noise right.")
        self.play(fade_in(chart), run_time=1.2)
        self.wait(2)
        found = story.noise_as_coded(self.models["code-noise-article"], self.models["code-noise"],
                                     self.patches)
        verdict, said = coded_verdict(found)
        note = th.lines(verdict, th.SMALL_SIZE, th.OUTPUT_COLOR).next_to(VGroup(left, chart), DOWN, buff=0.4)
        self.say(*said)
        self.play(fade_in(note), run_time=0.8)
        self.wait(5)
        self.payoff()

    # --- 6. input noise (F17, F18, C7) ----------------------------------------------------------------
    def input_noise(self):
        title = th.title("Input noise: stop reading one sample")
        b = LookAlikeBoard(self.example("plain"), self.example("input-noise"), title)
        caption = th.text("the synthetic curves are exact: one sample's value already tells which curve "
                          "it is", th.SMALL_SIZE, th.TEXT_COLOR).next_to(title, DOWN, 0.15)
        self.say(f"Curve {b.idx} ({th.TEXT_NAME}) and {len(b.others)} look-alikes ({th.DATA_NAME}).")
        self.play(Write(title), fade_in(b.plot, b.target, caption), run_time=1.2)
        self.play(Create(b.marker), fade_in(*b.rest, b.values), run_time=1.5)
        self.say(f"At sample {b.sample} they agree within {story.SIMILAR_TOL:g}; "
                 f"elsewhere they differ by up to {b.apart:.2f}.")
        self.wait(4)
        r_plain, r_smooth = (story.mean_roughness(self.models[v]) for v in ("plain", "input-noise"))
        rough = roughness_line("plain", r_plain, th.TEXT_COLOR)
        rough_after = roughness_line("input-noise", r_smooth, th.OUTPUT_COLOR)
        rough.next_to(b.fplot, DOWN, buff=0.3)
        rough_after.move_to(rough)
        plain_r, smooth_r = fmt(r_plain, 2, sign=False), fmt(r_smooth, 2, sign=False)  # as the numbers show
        self.say(f"The plain encoder's filters, each scaled to 1: roughness {plain_r}.")
        self.play(fade_in(b.fplot, b.filt, rough), run_time=1.2)
        self.wait(2.5)
        self.say(f"With input noise: roughness {smooth_r}, "
                 f"{'smoother' if r_smooth < r_plain else 'no smoother'}.")
        self.play(*[ReplacementTransform(b.filt[i], b.smooth[i]) for i in range(3)], fade_out(rough),
                  fade_in(rough_after), run_time=2.5)
        note = th.text("roughness: how much a filter zigzags (1 = monotone, 2 = one bump; mean of all seeds)",
                       th.SMALL_SIZE - 2, th.MUTED_COLOR).to_edge(DOWN, buff=0.55)
        self.say("Roughness counts the zigzag: 1 is monotone, 2 one bump; mean of all seeds.")
        self.play(fade_in(note), run_time=0.8)
        self.wait(4)
        self.payoff()


def coded_verdict(found: story.NoiseAsCoded) -> tuple[str, tuple[str, ...]]:
    """The sentence shown and the subtitles said about the article's noise as coded, chosen by
    the measurement: components 2 and 3 swap in some seeds, or keep their order in all."""
    n, swapped = found.seeds, found.seeds - found.ordered
    if swapped:
        return (f"with the applied scales, components 2 and 3 swap places in {swapped} of {n} seeds, "
                "as the article saw",
                (f"With the applied scales, components 2 and 3 swap in {swapped} of {n} seeds.",
                 "That is what the article saw."))
    apart = f"{found.ratio_applied:.1f}x apart instead of {found.ratio_meant:.1f}x"
    return (f"components 2 and 3 end up closer ({apart}), but keep their order in all {n} seeds",
            (f"Components 2 and 3 come closer: {apart}.", f"But they keep their order in all {n} seeds."))


def roughness_line(variant: str, value: float, color: str) -> VGroup:
    """'plain: roughness 1.74', the number recorded as 'roughness <variant>'."""
    return VGroup(th.text(f"{variant.replace('-', ' ')}: roughness", th.SMALL_SIZE),
                  speed.number(value, 2, th.SMALL_SIZE, color, sign=False, role=f"roughness {variant}")
                  ).arrange(RIGHT, buff=0.15)


def scaled_to_one(f: np.ndarray) -> np.ndarray:
    """Each filter divided by its largest |value|: shapes compare, sizes differ a lot."""
    return f / np.abs(f).max(axis=1, keepdims=True)


class SeedsBoard:
    """Decoder filters of the reference seed and SHOWN_SEEDS - 1 others (F9, F12), laid out under
    `title`; `moves()` renumbers and flips each seed's filters onto the reference's (F10, F13),
    recorded as 'seed s filter i'."""

    def __init__(self, models, ref, title):
        self.shown = [ref] + [m for m in models if m is not ref][: SHOWN_SEEDS - 1]
        lim = max(np.abs(m.dec_w).max() for m in self.shown) * 1.1
        self.plots = VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), 2.2, 1.9,
                                             f"{m.variant}, seed {m.seed}", font_size=th.SMALL_SIZE - 2)
                              for m in self.shown])
        self.plots.arrange(RIGHT, buff=0.45).next_to(title, DOWN, buff=0.9)
        self.raw = [VGroup(*[pic.Signal(p, m.dec_w[i], th.FILTER_COLORS[i], width=3, dot_radius=0.04)
                             for i in range(3)]) for p, m in zip(self.plots, self.shown)]
        self.aligns = [an.match_filters(m.dec_w, ref.dec_w) for m in self.shown]
        self.aligned = [VGroup(*[pic.Signal(p, a.aligned[i], th.FILTER_COLORS[i], width=3, dot_radius=0.04,
                                            role=f"seed {m.seed} filter {i + 1}") for i in range(3)])
                        for p, a, m in zip(self.plots, self.aligns, self.shown)]

    def moves(self) -> list[ReplacementTransform]:
        """Trained filter perm[i] of each seed flies to place i, flipped when signs[i] is -1."""
        return [ReplacementTransform(r[a.perm[i]], al[i])
                for r, al, a in zip(self.raw, self.aligned, self.aligns) for i in range(3)]


class ShakeBoard:
    """Two trained models side by side, each decoding one patch's code shaken on the same closed
    path (`shake(a)`, a -> 0..1); their clean output and how far the output moves (rms)."""

    def __init__(self, models, scales, title):
        self.models = models
        patch = story.demo_patch()[2]
        self.runs = [story.shaken(m, patch, story.shake_path(scales)) for m in models]  # (clean, moved, rms)
        self.rms = [r for _, _, r in self.runs]
        lo = min(min(c.min(), s.min()) for c, s, _ in self.runs)
        hi = max(max(c.max(), s.max()) for c, s, _ in self.runs)
        self.plots = VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(lo - 0.05, hi + 0.05), 5.2, 2.8,
                                             f"{m.variant}, seed {m.seed}") for m in models])
        self.plots.arrange(RIGHT, buff=1.0).next_to(title, DOWN, buff=0.9)
        self.clean = [pic.Signal(p, c, th.TEXT_COLOR, width=3, dot_radius=0.04)
                      for p, (c, _, _) in zip(self.plots, self.runs)]
        self.moving = [pic.Signal(p, c, th.OUTPUT_COLOR, width=5, dot_radius=0.06)
                       for p, (c, _, _) in zip(self.plots, self.runs)]
        self.notes = VGroup(*[th.text(f"output moves by {r:.3f} (rms)", th.SMALL_SIZE,
                                      th.ACCENT_COLOR if r == max(self.rms) else th.OUTPUT_COLOR)
                              .next_to(p, DOWN, 0.3) for p, r in zip(self.plots, self.rms)])

    def shake(self, a: float) -> None:
        for sig, (_, moved, _) in zip(self.moving, self.runs):
            sig.set_values(story.along(moved, a))


def ablated_grid(models: dict, patch: np.ndarray, beside) -> tuple[VGroup, VGroup]:
    """A row of four small plots per model (F15, F16), right of `beside`: the patch (wide) and its
    reconstruction from the full code, then with component 1, 2, 3 zeroed, recorded as '<variant>
    full', '<variant> without k'."""
    rows = [(v, story.ablated_outputs(ck, patch)) for v, ck in models.items()]
    lo = min(patch.min(), *(r.min() for _, r in rows))
    hi = max(patch.max(), *(r.max() for _, r in rows))
    names = ("full", "without 1", "without 2", "without 3")
    grid = VGroup(*[VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(lo - 0.05, hi + 0.05), 1.0, 0.9, n,
                                            x_numbers=False, y_numbers=False, font_size=th.SMALL_SIZE - 4)
                             for n in names]).arrange(RIGHT, buff=0.12)
                    for _ in rows]).arrange(DOWN, buff=0.8)
    grid.next_to(beside, RIGHT, buff=0.25).align_to(beside, UP).shift(DOWN * 0.5)
    grid.add(VGroup(*[th.text(f"{v}:", th.SMALL_SIZE - 2).next_to(row, UP, 0.45)
                      .align_to(row, LEFT)
                      for row, (v, _) in zip(grid, rows)]))  # each row's model, above its plots
    sigs = VGroup()
    for row, (v, outs) in zip(grid, rows):
        for plot, o, n in zip(row, outs, names):
            sigs.add(pic.Signal(plot, patch, th.DATA_COLOR, width=8, dot_radius=0, opacity=0.5),
                     pic.Signal(plot, o, th.OUTPUT_COLOR, width=2.5, dot_radius=0.03, role=f"{v} {n}"))
    return grid, sigs


class LookAlikeBoard:
    """The input-noise section's pictures (F17, F18), laid out under `title`: the example curve and
    three look-alikes sharing one sample's value ('curve j'), with those values; the encoder filters of
    the plain model, and of the input-noise model matched onto them ('smooth filter i'), each scaled to 1."""

    def __init__(self, plain, smooth, title):
        curves = data.make_curves()[0]
        self.idx, curve = story.demo_curve()
        self.sample, self.others = story.look_alikes(curves, self.idx)
        self.apart = np.abs(curves[self.others] - curve).max()  # the look-alikes' largest gap anywhere
        lo, hi = min(curves[self.others].min(), curve.min()), max(curves[self.others].max(), curve.max())
        self.plot = pic.SignalPlot(WINSIZE, pic.nice_range(lo - 0.05, hi + 0.05), 5.2, 3.0,
                                   f"curve {self.idx} and 3 look-alikes at sample {self.sample}")
        colours = [(self.idx, th.TEXT_COLOR)] + [(j, th.DATA_COLOR) for j in self.others]
        self.values = VGroup(th.text(f"sample {self.sample}:", th.SMALL_SIZE - 2, th.ACCENT_COLOR),
                             *[th.text(f"{curves[j, self.sample]:.3f}", th.SMALL_SIZE - 2, col)
                               for j, col in colours]
                             ).arrange(DOWN, buff=0.08).next_to(self.plot, RIGHT, buff=0.2)
        self.fplot = pic.SignalPlot(KERNEL, (-1.0, 1.0, 0.5), 2.8, 3.0,
                                    f"encoder filters, seed {plain.seed}\n(each scaled to 1)")
        VGroup(VGroup(self.plot, self.values), self.fplot).arrange(RIGHT, buff=0.6).next_to(title, DOWN,
                                                                                           buff=0.9)
        self.target = pic.Signal(self.plot, curve, th.TEXT_COLOR, width=5, dot_radius=0.05,
                                 role=f"curve {self.idx}")
        self.rest = [pic.Signal(self.plot, curves[j], th.DATA_COLOR, width=2, dot_radius=0.03, opacity=0.8,
                                role=f"curve {j}") for j in self.others]
        axes = self.plot.axes
        self.marker = DashedLine(axes.c2p(self.sample, axes.y_range[0]),
                                 axes.c2p(self.sample, axes.y_range[1]), color=th.ACCENT_COLOR)
        aligned = an.match_filters(smooth.enc_w, plain.enc_w).aligned
        self.filt = VGroup(*[pic.Signal(self.fplot, scaled_to_one(plain.enc_w)[i], th.FILTER_COLORS[i],
                                        width=3, dot_radius=0.04) for i in range(3)])
        self.smooth = VGroup(*[pic.Signal(self.fplot, scaled_to_one(aligned)[i], th.FILTER_COLORS[i],
                                          width=3, dot_radius=0.04, role=f"smooth filter {i + 1}")
                               for i in range(3)])


class NoisePlane(VGroup):
    """The noise idea (F11), laid out under `title`: real codes on the c1-c2 plane, one code shaken
    inside a ring (`sx`, `sy`: the ring's half-axes; `theta`: where on its path the point is), and
    the decoded curve of the clean and the shaken code. `update()` moves the point, ring and curve."""

    def __init__(self, ck, codes, code, sigma, title):
        super().__init__()
        self.ck, self.code = ck, code
        ext = np.abs(codes[:, :2]).max(axis=0) * 1.1
        self.axes = Axes(
            x_range=[-ext[0], ext[0], ext[0]],
            y_range=[-ext[1], ext[1], ext[1]],
            x_length=4.2,
            y_length=4.2,
            tips=False,
            axis_config={"color": th.MUTED_COLOR, "include_ticks": False},
        )
        self.labels = VGroup(
            th.text("c1", th.SMALL_SIZE, th.FILTER_COLORS[0]).next_to(self.axes.x_axis, RIGHT, 0.1),
            th.text("c2", th.SMALL_SIZE, th.FILTER_COLORS[1]).next_to(self.axes.y_axis, UP, 0.1),
        )
        out = ck.decode(code[None])[0]
        corners = np.array(
            [code + [dx, dy, 0] for dx in (-3 * sigma, 3 * sigma) for dy in (-3 * sigma, 3 * sigma)]
        )
        self.plot = pic.SignalPlot(
            7,
            pic.output_range(ck, corners),
            5.4,
            3.2,
            f"decoded: the clean code ({th.TEXT_NAME}) and the shaken one",
        )
        VGroup(VGroup(self.axes, self.labels), self.plot).arrange(RIGHT, buff=0.9).next_to(
            title, DOWN, buff=0.8
        )
        self.cloud = speed.Dots(
            speed.coords_to_points(self.axes, codes[:, 0], codes[:, 1]), 0.02, th.DATA_COLOR, 0.5
        )
        self.center = self.axes.c2p(code[0], code[1])
        self.clean = pic.Signal(self.plot, out, th.TEXT_COLOR, width=3, dot_radius=0.04)
        self.shaken = pic.Signal(self.plot, out, th.OUTPUT_COLOR, width=5, dot_radius=0.06)
        self.sx, self.sy, self.theta = ValueTracker(sigma), ValueTracker(sigma), ValueTracker(0.0)
        self.unit = self.axes.c2p(1, 1) - self.axes.c2p(0, 0)
        self.ring = Ellipse(
            width=2 * sigma * self.unit[0], height=2 * sigma * self.unit[1], color=th.ACCENT_COLOR
        ).move_to(self.center)
        self.dot = speed.Dots(np.array([self.center]), 0.09, th.OUTPUT_COLOR)

    def update(self) -> None:
        t = self.theta.get_value()
        # a deterministic stand-in for noise: a point circling the code at the noise scale
        d = np.array([self.sx.get_value() * np.cos(t), self.sy.get_value() * np.sin(3 * t), 0.0])
        self.dot.set_positions(np.array([self.axes.c2p(self.code[0] + d[0], self.code[1] + d[1])]))
        self.shaken.set_values(self.ck.decode((self.code + d)[None])[0])
        self.ring.stretch_to_fit_width(2 * self.sx.get_value() * self.unit[0])
        self.ring.stretch_to_fit_height(2 * self.sy.get_value() * self.unit[1])
        self.ring.move_to(self.center)


class LogBars(VGroup):
    """Loss increase per zeroed component, one group of three bars per variant, on a log scale
    (F14); each bar is recorded as '<variant> <k>' and reads its value back (`drawn_value`). A log
    scale shows increases above 0 only: an increase of 0 or less (an undertrained model can gain from
    losing a component) gets no bar, its number is still written at the axis' foot."""

    def __init__(self, means: dict[str, np.ndarray], heading: str, group_width: float = 2.9):
        super().__init__()
        positive = np.concatenate([m[m > 0] for m in means.values()])
        lo = np.floor(np.log10(positive.min() if positive.size else 1e-6)) - 0.3
        hi = max(np.ceil(np.log10(positive.max() if positive.size else 1e-6)), lo + 1.3)
        self.axes = Axes(x_range=[0, 4 * len(means), 1], y_range=[lo, hi, 1],
                         x_length=group_width * len(means), y_length=3.4, tips=False,
                         axis_config={"color": th.MUTED_COLOR, "include_ticks": False})
        ticks = VGroup(*[th.text(f"1e{int(e)}", th.SMALL_SIZE - 2, th.MUTED_COLOR)
                         .next_to(self.axes.c2p(0, e), LEFT, 0.12)
                         for e in range(int(np.ceil(lo)), int(hi) + 1)])
        self.add(self.axes, ticks)
        for g, (v, mean) in enumerate(means.items()):
            for k in range(3):
                x = 4 * g + 1 + k
                base = self.axes.c2p(x, lo)
                top = self.axes.c2p(x, np.log10(mean[k])) if mean[k] > 0 else base
                bar = Rectangle(width=0.45, height=max(top[1] - base[1], 1e-3),
                                fill_color=th.FILTER_COLORS[k], fill_opacity=0.9, stroke_width=0)
                bar.move_to((top + base) / 2)
                bar.role = f"{v} {k + 1}"
                bar.drawn_value = lambda bar=bar: 10 ** self.axes.p2c(bar.get_top())[1]
                self.add(VGroup(bar, th.text(f"{mean[k]:.1e}", th.SMALL_SIZE - 4).next_to(bar, UP, 0.05)))
            self.add(th.text(v, th.SMALL_SIZE).next_to(self.axes.c2p(4 * g + 2, lo), DOWN, 0.2))
        self.add(th.text(heading, th.SMALL_SIZE).next_to(self.axes, UP, 0.35))
