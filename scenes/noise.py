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
    Circle,
    Create,
    DashedLine,
    DashedVMobject,
    Ellipse,
    Line,
    Rectangle,
    ReplacementTransform,
    ValueTracker,
    VGroup,
    linear,
)

from core import analysis as an
from core import data, story
from core.data import KERNEL, WINSIZE
from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.models import checkpoint_dir, load_model, load_variants, shipped
from scenes.speed import Drive, fade_in, fade_out
from scenes.stage import Explainer

SHOWN_SEEDS = 4  # seeds drawn side by side; scores use all of them
HUES = th.FILTER_NAMES  # th.FILTER_COLORS by name, for the subtitles
VARIANTS = ("plain", "code-noise", "input-noise", "code-noise-article", "code-noise-relu")
RING_STD = 2  # the noise ring is drawn at this many standard deviations
DRAWS = 16  # noise draws the shaken point visits in each phase of the noise idea


class NoiseScene(Explainer):
    def construct(self):
        self.ck = load_model()  # the example model (its seed picks the examples)
        self.models = load_variants(VARIANTS, at_least=2)
        self.patches = data.make_patches().astype(np.float64)
        where = "the shipped checkpoints" if shipped() else f"the checkpoints in {checkpoint_dir()}"
        footer = th.text(f"models: {where}, all seeds of each variant", th.SMALL_SIZE - 4, th.MUTED_COLOR)
        self.show_footer(footer.to_corner(DOWN + LEFT, buff=0.1))
        self.agree = {v: story.seed_agreement(ms) for v, ms in self.models.items()}
        self.channels = {v: story.channels(ms, self.patches) for v, ms in self.models.items()}

        self.next_section("seeds-disagree")
        self.seeds("plain", "Different seeds, different filters?")
        self.begin("noise-idea")
        self.noise_idea()
        self.begin("after-training")
        self.shaken_models()
        self.begin("noise-orders-components")
        self.seeds("code-noise", "With code noise, do the seeds agree?")
        self.begin("ablation")
        self.ablation()
        self.begin("what-the-code-did")
        self.what_the_code_did()
        self.begin("input-noise")
        self.input_noise()
        self.begin("smooth-filters")
        self.smooth_filters()
        self.begin("tanh-bound")
        self.tanh_bound()
        self.begin("relu")
        self.relu()

    def example(self, variant: str):
        """The model of the example's seed in `variant` (else its first seed)."""
        return story.model_for(self.models[variant], self.ck.seed)

    # --- 1 and 3: filters of several seeds, then order and sign compensated (F9, F10, F12, F13) -------
    def seeds(self, variant: str, heading: str):
        models, ref = self.models[variant], self.example(variant)
        found, plain, n = self.agree[variant], self.agree["plain"], len(models)
        title = th.title(heading)
        b = SeedsBoard(models, ref, title)
        note = th.text("decoder filters as trained: filter 1, 2, 3 of each seed", th.LABEL_SIZE)
        note.next_to(title, DOWN, 0.15)
        ways = math.factorial(3) * 2**3  # orders x signs
        note2 = th.text(f"renumber and flip each seed's filters to match seed {ref.seed}: the best of {ways} "
                        "ways", th.SMALL_SIZE + 2).move_to(note)
        what = " (trained without noise)" if variant == "plain" else ""
        self.say(f"Decoder filters of {len(b.shown)} {variant} models{what}, one per seed.",
                 "Filter " + ", ".join(f"{i + 1} {h}" for i, h in enumerate(HUES)) + ".")
        self.play(fade_in(title), fade_in(b.plots, *b.raw, note), run_time=1.5)
        self.wait(3)
        self.say(f"Each seed's filters are renumbered and flipped to match seed {ref.seed}.",
                 "Neither changes what a model computes.")
        self.play(fade_out(note), fade_in(note2), run_time=0.6)
        self.play(*b.moves(), run_time=3)
        self.wait(1)

        # all seeds, filter by filter: the spread is what the score sums up
        self.let_read()
        self.play(fade_out(b.plots, *b.aligned, note2), run_time=0.6)
        noisy = max(models[0].code_noise) > 0
        spread = SpreadBoard(models, ref, title, self.channels[variant] if noisy else None)
        self.say(f"All {n} seeds, matched the same way, drawn filter by filter.")
        self.play(fade_in(spread), run_time=1.2)
        self.wait(2.5)
        verdict = {"identical": "the seeds learn the same filters",
                   "closer than chance": "more alike than chance, but not the same filters",
                   "like chance": "no more alike than unrelated random filters"}[found.verdict]
        lines = [th.text(verdict, th.LABEL_SIZE, th.OUTPUT_COLOR),
                 VGroup(th.text(f"consistency over all {n} seeds:", th.SMALL_SIZE),
                        speed.number(found.score, 3, th.SMALL_SIZE, th.TEXT_COLOR, sign=False,
                                     role=f"consistency {variant}")).arrange(RIGHT, buff=0.15),
                 th.text("(mean cosine of matched filters; identical filters: 1)", th.SMALL_SIZE,
                         th.MUTED_COLOR),
                 th.text(f"unrelated random filters, matched the same way: {found.baseline:.3f}",
                         th.SMALL_SIZE, th.MUTED_COLOR)]
        if variant != "plain":
            lines.append(th.text(f"plain models: {plain.score:.3f}", th.SMALL_SIZE, th.MUTED_COLOR))
        result = VGroup(*lines).arrange(DOWN, buff=0.14).next_to(VGroup(spread, spread.norms), DOWN, buff=0.3)
        self.say(f"Consistency over all {n} seeds: {found.score:.3f}, the mean cosine of matched filters.",
                 f"Identical filters score 1; unrelated random ones {found.baseline:.3f}:",
                 "the best of 48 matches makes even random filters look a bit alike.")
        self.play(fade_in(result[1:]), run_time=1)
        self.wait(2)
        said = {"identical": "The seeds learn the same filters.",
                "closer than chance": "More alike than chance, but not the same filters.",
                "like chance": "No more alike than random filters."}[found.verdict]
        if variant != "plain":
            said += f" Plain models: {plain.score:.3f}."
        self.say(said)
        self.play(fade_in(result[0]), run_time=0.8)
        if noisy:
            ch = self.channels[variant]
            big, small = int(np.argmax(ch.norm.mean(axis=0))), int(np.argmin(ch.norm.mean(axis=0)))
            quiet, loud = int(np.argmin(ch.noise)), int(np.argmax(ch.noise))
            self.wait(2)
            self.say(f"Filter {big + 1} is the biggest (norm {ch.norm.mean(axis=0)[big]:.2f}), "
                     f"filter {small + 1} nearly flat ({ch.norm.mean(axis=0)[small]:.2f}).",
                     "The quietest channel carries most." if (big, small) == (quiet, loud)
                     else "Size does not follow the noise here.")
            self.play(fade_in(spread.norms), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 2. the noise idea (F11) ------------------------------------------------------------------
    def noise_idea(self):
        ck = self.ck if self.ck.variant == "plain" else self.models["plain"][0]
        codes, code, sigma = story.noise_point(ck, self.patches)
        title = th.title("The idea: shake the code while training")
        b = NoisePlane(ck, codes, code, sigma, title)
        captions = [th.text(t, th.LABEL_SIZE, col).next_to(title, DOWN, 0.15) for t, col in (
            (f"codes of real patches (plain model, seed {ck.seed})", th.DATA_COLOR),
            ("no noise: the decoder always gets the clean code", th.TEXT_COLOR),
            ("equal noise in c1 and c2: every direction is blurred alike", th.TEXT_COLOR),
            ("more noise in c1 than in c2: c1 can only carry what survives it", th.TEXT_COLOR))]
        self.say(f"{th.DATA_NAME.capitalize()}: codes of real patches, c1 across, c2 up.")
        self.play(fade_in(title), fade_in(b.axes, b.labels, b.cloud, captions[0]), run_time=1.5)
        self.wait(1)
        self.say("No noise: the decoder gets the clean code, the small circle, every time.",
                 "Right: what it decodes to.")
        self.play(fade_out(captions[0]), fade_in(captions[1], b.plot, b.clean, b.marker, b.marker_label),
                  run_time=1)
        self.wait(2)
        inside = 1 - math.exp(-RING_STD**2 / 2)  # a 2-D normal's mass within RING_STD std
        self.say(f"Now noise, the same in c1 and c2: {DRAWS} random draws.",
                 f"The dashed ring is {RING_STD} std: about {inside:.0%} of draws land inside it.")
        self.play(fade_out(captions[1]), fade_in(captions[2], b.ring, b.ring_label, b.dot, b.shaken),
                  run_time=0.8)
        with speed.live(self, b.dot, b.trail, b.shaken, b.ring, update=b.update):
            self.play(b.t.animate.set_value(DRAWS - 1), run_time=7, rate_func=linear)
            self.say(f"{b.inside(0)} of these {DRAWS} landed inside. The {th.OUTPUT_NAME} output "
                     "wobbles with each draw.")
            self.wait(2)
            self.say("Now more noise in c1 than in c2: the ring stretches along c1.",
                     "c1 can only carry what survives the noise.")
            self.play(fade_out(captions[2]), fade_in(captions[3]), b.sx.animate.set_value(b.wide[0]),
                      b.sy.animate.set_value(b.wide[1]), b.t.animate.set_value(DRAWS), run_time=1.2)
            self.play(b.t.animate.set_value(2 * DRAWS - 1), run_time=7, rate_func=linear)
        end = th.text("so training puts the most important feature in the quietest channel", th.LABEL_SIZE,
                      th.OUTPUT_COLOR).move_to(captions[3])
        self.say("So training puts the most important feature in the quietest channel.")
        self.play(fade_out(captions[3]), fade_in(end), run_time=0.8)
        self.wait(3.5)
        self.payoff()

    def shaken_models(self):
        """Both trained models shaken by the code-noise training scales: the plain decoder's output
        swings, the code-noise decoder's barely moves (it learnt to ignore what the noise can hide)."""
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
        self.play(fade_in(title), fade_in(b.plots, *b.clean, *b.moving, caption.next_to(title, DOWN, 0.15)),
                  run_time=1.2)
        self.play(Drive(VGroup(*b.moving), b.shake, run_time=5, rate_func=linear))
        self.say(f"Output moves by {rms_a:.3f} (rms) for {name_a}, {rms_b:.3f} for {name_b}.")
        self.play(fade_in(b.notes), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 4. ablation (F14, F15, F16) ------------------------------------------------------------------
    def ablation(self):
        title = th.title("Switch one component off: what does it cost?")
        order = ("plain", "code-noise")  # the same order in the bars, the rows and the words
        chart = LogBars({v: self.channels[v].cost for v in order}, group_width=2.9,
                        heading="loss increase, one zeroed",
                        spans={v: self.channels[v].ratios for v in order})
        legend = VGroup(*[th.text(f"component {k + 1}", th.SMALL_SIZE, th.FILTER_COLORS[k])
                          for k in range(3)])
        legend.arrange(RIGHT, buff=0.3)
        VGroup(chart, legend).arrange(DOWN, buff=0.3).next_to(title, DOWN, buff=0.4).to_edge(LEFT, buff=0.75)
        self.say("A component is one code number. Zero it: how much worse is the rebuild?",
                 "Loss (mean squared error) increase, mean of all seeds: plain left, code-noise right.",
                 "The scale is logarithmic: each line up is 10x more.")
        self.play(fade_in(title), fade_in(chart.frame, legend), run_time=1.5)
        self.play(fade_in(chart.groups), run_time=1)
        self.wait(2)
        r = {v: self.channels[v].ratios for v in order}
        self.say("Within one model, the costliest component over the cheapest:",
                 f"plain {fmt_span(r['plain'])}, code-noise {fmt_span(r['code-noise'])}.")
        self.play(fade_in(chart.ratios), run_time=0.8)
        self.wait(2)
        models = {v: self.example(v) for v in order}
        grid, sigs = ablated_grid(models, story.demo_patch()[2], beside=VGroup(chart, legend))
        self.say(f"Right: one patch ({th.DATA_NAME}) rebuilt with each component off ({th.OUTPUT_NAME}).")
        self.play(fade_in(grid, sigs), run_time=1.2)
        self.wait(2.5)
        noisy = self.channels["code-noise"].cost
        note = VGroup(
            th.text(f"plain: within a model at most {fmt_ratio(r['plain'].max())} apart, in no fixed order",
                    th.SMALL_SIZE),
            th.text(f"code-noise: the noisiest (1) costs {sci(noisy[0])}, the quietest (3) {sci(noisy[2])}",
                    th.SMALL_SIZE, th.OUTPUT_COLOR)).arrange(DOWN, buff=0.1).to_edge(DOWN, buff=0.5)
        self.say(f"Plain: at most {fmt_ratio(r['plain'].max())} apart, and a seed numbers its channels "
                 "in any order.",
                 f"Code-noise: zeroing the noisiest, 1, costs {sci(noisy[0])}; "
                 f"the quietest, 3, {sci(noisy[2])}.")
        self.play(fade_in(note), run_time=0.8)
        self.wait(4)
        self.payoff()

    # --- 5. what the article's code really did ------------------------------------------------------
    def what_the_code_did(self):
        meant = self.models["code-noise"][0].code_noise  # as trained, from the checkpoints
        did = self.models["code-noise-article"][0].code_noise
        title = th.title("What the article's code really did")
        source = th.text(f"the article: \u201c{story.ARTICLE}\u201d", th.SMALL_SIZE)
        source.next_to(title, DOWN, 0.15)
        code = VGroup(*[th.text(s, th.LABEL_SIZE - 2, th.TEXT_COLOR, font="DejaVu Sans Mono") for s in (
            "coderand[:, 0 :] *= 0.1", "coderand[:, 1 :] *= 0.01", "coderand[:, 2 :] *= 0.001")])
        code.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        expl = VGroup(
            th.text("coderand: the noise added to the code", th.SMALL_SIZE),
            th.text("Python counts from 0: '0 :' is c1, c2, c3;", th.SMALL_SIZE),
            th.text("'1 :' is c2 and c3: the factors multiply", th.SMALL_SIZE),
            th.text("meant:   " + ", ".join(f"{s:g}" for s in meant), th.SMALL_SIZE),
            th.text("applied: " + ", ".join(f"{s:g}" for s in did), th.SMALL_SIZE),
            th.text("(this video's code-noise models: the meant noise)", th.SMALL_SIZE - 2, th.MUTED_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        left = VGroup(code, expl).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        pairs = (("meant", "code-noise"), ("applied", "code-noise-article"))
        chart = LogBars({tag: self.channels[v].cost for tag, v in pairs}, "loss increase, one zeroed",
                        group_width=2.4, spans={tag: self.channels[v].ratios for tag, v in pairs})
        VGroup(left, chart).arrange(RIGHT, buff=0.6).next_to(title, DOWN, buff=0.6)
        self.say(f"The article, \u201c{story.ARTICLE}\u201d,",
                 "sets the noise with these three lines of its code.")
        self.play(fade_in(title), fade_in(source, code), run_time=1.2)
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

    # --- 6. input noise: why the plain filters may be jagged (F17, C7) -------------------------------
    def input_noise(self):
        title = th.title("Exact data: one sample's value tells curves apart")
        b = LookAlikeBoard(title)
        caption = th.text("the synthetic curves are exact: one sample's value already tells which curve "
                          "it is", th.SMALL_SIZE, th.TEXT_COLOR).next_to(title, DOWN, 0.15)
        self.say(f"Curve {b.idx} ({th.TEXT_NAME}) and {len(b.others)} look-alikes ({th.DATA_NAME}).")
        self.play(fade_in(title), fade_in(b.plot, b.target, caption), run_time=1.2)
        self.play(Create(b.marker), fade_in(*b.rest, b.values), run_time=1.5)
        self.say(f"At sample {b.sample} they agree within {story.SIMILAR_TOL:g}; "
                 f"elsewhere they differ by up to {b.apart:.2f}.")
        self.wait(3)
        self.say("Yet no two are equal there. The data is exact,",
                 f"so even the fourth decimal of sample {b.sample} tells which curve it is.")
        self.wait(2)
        end = VGroup(th.text("so an encoder filter may lean on single samples: nothing makes it smooth",
                             th.LABEL_SIZE, th.OUTPUT_COLOR),
                     th.text(f"input noise (std {self.example('input-noise').input_noise:g} on every sample) "
                             "takes that away", th.SMALL_SIZE)).arrange(DOWN, buff=0.15)
        end.next_to(VGroup(b.plot, b.values), DOWN, buff=0.4)
        self.say("So a filter may lean on single samples: nothing forces it to be smooth.",
                 "Input noise on every sample takes that away.")
        self.play(fade_in(end), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 7. the encoder filters with input noise, at their true size (F18, C7) --------------------------
    def smooth_filters(self):
        title = th.title("Input noise: the encoder filters")
        smooth, plain = self.example("input-noise"), self.example("plain")
        noise_txt = ", ".join(f"{x:g}" for x in smooth.code_noise)
        caption = th.text(f"input-noise models: code noise {noise_txt}, and std {smooth.input_noise:g} "
                          "on every input sample", th.SMALL_SIZE).next_to(title, DOWN, 0.12)
        found = {v: story.smoothness(self.models[v]) for v in ("plain", "code-noise", "input-noise")}
        b = FilterBoard(plain, smooth, found, title)
        big = found["input-noise"].largest
        self.say(f"Input-noise encoder filters, seed {smooth.seed}, at their true size,",
                 "each in its channel's colour.")
        self.play(fade_in(title), fade_in(caption, b.true_plot, *b.true), run_time=1.2)
        self.wait(1.5)
        order = "grows largest" if np.argmax(big) == np.argmax(smooth.code_noise) else "is not the largest"
        self.say(f"Filter 1, the noisiest channel's, {order}: {big[0]:.2f}",
                 f"against {big[1]:.2f} and {big[2]:.3f} (largest weight, mean of seeds).")
        self.play(fade_in(b.sizes), run_time=0.8)
        self.wait(2)
        ch = self.channels["input-noise"]
        self.say(f"Yet decoder filter 1 is tiny (norm {ch.norm[:, 0].mean():.2f}): channel 1's code is made "
                 f"large (std {ch.spread[:, 0].mean():.2f})", "to stand above its noise, and the decoder "
                 "scales it back down.")
        self.wait(2.5)
        self.say("Right: the shapes, each scaled to 1. Plain filters (no noise) first,",
                 "matched onto the same channels.")
        self.play(fade_in(b.shape_plot, b.plain), run_time=1)
        self.wait(2.5)
        self.say("Then the input-noise filters: smooth.")
        self.play(*[ReplacementTransform(b.plain[i], b.shaped[i]) for i in range(3)], run_time=2.5)
        self.wait(1.5)
        jp, js = found["plain"].jagged.mean(), found["input-noise"].jagged
        self.say("Jaggedness: second-difference energy over the filter's energy.",
                 f"Plain: {jp:.2f} on average;",
                 f"input noise {js[0]:.2f}, {js[1]:.3f}, {js[2]:.3f}; "
                 f"random filters {found['plain'].random:.1f}.")
        self.play(fade_in(b.table), run_time=1)
        self.wait(2)
        shown, said = smoothing_verdict(found["code-noise"], found["input-noise"])
        end = th.lines(shown, th.SMALL_SIZE, th.OUTPUT_COLOR, buff=0.06).next_to(b.table, DOWN, buff=0.12)
        self.say(*said)
        self.play(fade_in(end), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 8. what tanh does with the large filter's output (C7) -----------------------------------------
    def tanh_bound(self):
        title = th.title("tanh keeps the big filter's code within 1")

        ck = self.example("input-noise")
        found = story.tanh_bound(ck, self.patches)
        sub = th.text(f"input-noise model, seed {ck.seed}: encoder filter {found.channel + 1}",
                      th.SMALL_SIZE).next_to(title, DOWN, 0.12)
        b = TanhBoard(found, sub)
        k = found.channel
        self.say(f"Input-noise model, seed {ck.seed}: filter {k + 1}'s dot products with every patch "
                 f"({th.FILTER_NAMES[k]}),", "across: before tanh; up: the code after it.")
        self.play(fade_in(title, sub, b.axes, b.labels, b.curve, b.identity, b.ceiling), run_time=1.2)
        self.play(fade_in(b.rug, b.dots), run_time=1.2)
        self.wait(2)
        self.say(f"They reach {found.reach:.2f}; tanh keeps the code within {found.code_reach:.2f}.",
                 f"{found.bent:.0%} of patches land where tanh bends (beyond 1).")
        self.play(fade_in(b.notes), run_time=0.8)
        self.wait(2)
        noise = ck.code_noise[k]
        if noise > 0:
            times = found.code_reach / noise
            self.say(f"So channel {k + 1}'s code can never move more than {times:.0f}x its noise std "
                     f"({noise:g}),", "however large its filter grows. ReLU has no such ceiling.")
            end = VGroup(th.text(f"so channel {k + 1}'s code moves at most", th.SMALL_SIZE, th.OUTPUT_COLOR),
                         th.text(f"{times:.0f}x its noise std ({noise:g})", th.SMALL_SIZE, th.OUTPUT_COLOR)
                         ).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
            end.next_to(b.notes, DOWN, buff=0.3, aligned_edge=LEFT)
            self.play(fade_in(end), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 9. C11: ReLU instead of tanh, measured -------------------------------------------------------------
    def relu(self):
        title = th.title("ReLU instead of tanh: is there still an order?")
        relu, tanh = self.channels["code-noise-relu"], self.channels["code-noise"]
        ra, ta = self.agree["code-noise-relu"], self.agree["code-noise"]
        found = story.relu_verdict(relu, tanh, ra, ta)
        caption = th.text(f"the code-noise training again ({relu.seeds} seeds), with ReLU: max(0, x) has no "
                          "ceiling", th.SMALL_SIZE).next_to(title, DOWN, 0.15)
        chart = LogBars({"tanh": tanh.survives, "ReLU": relu.survives}, group_width=1.9, height=2.4,
                        heading="code std / noise std", label=fmt_ratio)
        for bar in chart.groups:  # recorded as 'survives tanh k', 'survives ReLU k'
            for m in bar.get_family():
                if getattr(m, "role", None):
                    m.role = f"survives {m.role}"
        tiles = SeedTiles(self.models["code-noise-relu"], relu)
        chart.remove(chart.ratios)  # the ratio that matters here, ReLU against tanh, is said
        chart.groups.add(th.text("tanh: the code-noise models", th.SMALL_SIZE - 2, th.MUTED_COLOR)
                         .next_to(chart.axes, DOWN, 0.55))
        VGroup(chart, tiles).arrange(RIGHT, buff=0.5, aligned_edge=UP).next_to(caption, DOWN, buff=0.3)
        self.say("The article warns: a ReLU code has no ceiling,", "so it could outgrow the noise.")
        self.play(fade_in(title), fade_in(caption), run_time=1.2)
        self.wait(1)
        self.say("Left: how far each channel's code spreads (its std over the patches),",
                 "in multiples of its noise std, median of seeds; tanh is the code-noise model.")
        self.play(fade_in(chart.frame, chart.groups), run_time=1.2)
        self.wait(2)
        self.say(found.growth)
        self.wait(2)
        self.say("Right: each seed's cost of zeroing 1, 2, 3,", "as shares of that seed's total.")
        self.play(fade_in(tiles), run_time=1.2)
        self.wait(2)
        self.say(*found.seeds)
        self.wait(2)
        self.say(f"Consistency {ra.score:.2f} (tanh {ta.score:.2f}). Random filters, matched by order",
                 f"only (a sign flip changes a ReLU model): {ra.baseline:.2f}.")
        verdict = VGroup(th.lines(found.shown, th.SMALL_SIZE, th.OUTPUT_COLOR),
                         th.text(f"consistency {ra.score:.2f} (tanh {ta.score:.2f}; random filters, "
                                 "order only, "
                                 f"{ra.baseline:.2f}); final loss {sci(relu.final_loss)} "
                                 f"(tanh {sci(tanh.final_loss)})",
                                 th.SMALL_SIZE, th.MUTED_COLOR)).arrange(DOWN, buff=0.12)
        verdict.next_to(VGroup(chart, tiles), DOWN, buff=0.25)
        self.play(fade_in(verdict), run_time=0.8)
        self.wait(2)
        self.say(f"It also rebuilds worse: final loss {sci(relu.final_loss)} on average, "
                 f"against {sci(tanh.final_loss)} with tanh.")
        self.wait(4)
        self.payoff()


def smoothing_verdict(code: story.Smoothness, inp: story.Smoothness) -> tuple[str, tuple[str, ...]]:
    """What input noise adds to code noise's smoothing, per encoder filter, chosen by the numbers:
    a filter counts as smoothed by input noise when its jaggedness falls to under half of what code
    noise alone gives. Returns the line shown and the subtitles."""
    def names(ks):
        words = [str(k + 1) for k in ks]
        return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]

    def j(x):
        return f"{x:.3f}" if x < 0.1 else f"{x:.2f}"

    smoothed = [k for k in range(3) if inp.jagged[k] < code.jagged[k] / 2]
    kept = [k for k in range(3) if k not in smoothed]
    if not smoothed:
        return ("input noise does not make the encoder filters smoother than code noise alone",
                ("Against code noise alone, input noise smooths no filter.",))
    plural = "s" if len(smoothed) > 1 else ""
    shown = (f"input noise smooths filter{plural} {names(smoothed)} ("
             + ", ".join(f"{j(code.jagged[k])} \u2192 {j(inp.jagged[k])}" for k in smoothed) + ")")
    said = [f"Against code noise alone, input noise smooths filter{plural} {names(smoothed)}:",
            ", ".join(f"{j(code.jagged[k])} to {j(inp.jagged[k])}" for k in smoothed) + "."]
    if kept:
        shown += (f"; filter {names(kept)} already about as smooth with code noise alone ("
                  + ", ".join(f"{j(code.jagged[k])}" for k in kept) + ")")
        said.append(f"Filter {names(kept)} was already about as smooth with code noise alone: "
                    + ", ".join(f"{j(code.jagged[k])}" for k in kept) + ".")
    return shown, tuple(said)


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


def sci(x: float) -> str:
    """'1.5e-2': a cost as the bars write it (short, so that neighbouring bars' numbers fit)."""
    if x <= 0:
        return f"{x:.1g}"
    e = int(np.floor(np.log10(x)))
    m = x / 10.0**e
    if round(m, 1) >= 10:
        m, e = m / 10, e + 1
    return f"{m:.1f}e{e}"


def fmt_span(ratios: np.ndarray) -> str:
    """'1.2x to 3.2x' (or '115x' when every seed rounds alike): a ratio's range over seeds."""
    lo, hi = fmt_ratio(float(np.min(ratios))), fmt_ratio(float(np.max(ratios)))
    return lo if lo == hi else f"{lo} to {hi}"


def fmt_ratio(r: float) -> str:
    """'1.2x' or '115x': a ratio of two costs as said and shown."""
    return f"{r:.1f}x" if r < 10 else f"{r:.0f}x"


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


class SpreadBoard(VGroup):
    """Every seed's decoder filters matched onto the reference's (core.analysis.seed_spread), one plot
    per filter, all seeds overlaid (the reference thicker), recorded as 'spread seed s filter i'. With
    `channels` (a noisy variant) each plot names its channel's noise and `norms` says each filter's
    norm, mean over seeds."""

    def __init__(self, models, ref, title, channels: story.Channels | None = None):
        super().__init__()
        spread = an.seed_spread(models, ref)  # (seeds, 3, 7)
        lim = np.abs(spread).max() * 1.1
        heads = [f"filter {k + 1}" + (f": channel noise {channels.noise[k]:g}" if channels is not None
                                      else "") for k in range(3)]
        self.plots = VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), 3.1, 2.2, h,
                                             label_color=th.FILTER_COLORS[k], font_size=th.SMALL_SIZE)
                              for k, h in enumerate(heads)]).arrange(RIGHT, buff=0.65)
        self.plots.next_to(title, DOWN, buff=0.75)
        self.add(self.plots)
        for k, plot in enumerate(self.plots):
            for m, f in zip(models, spread):
                ref_seed = m.seed == ref.seed
                self.add(pic.Signal(plot, f[k], th.FILTER_COLORS[k], width=4 if ref_seed else 2,
                                    dot_radius=0.04 if ref_seed else 0.025, opacity=1 if ref_seed else 0.6,
                                    role=f"spread seed {m.seed} filter {k + 1}"))
        self.norms = VGroup()
        if channels is not None:
            for k, plot in enumerate(self.plots):
                self.norms.add(th.text(f"size (norm) {channels.norm[:, k].mean():.2f}", th.SMALL_SIZE,
                                       th.FILTER_COLORS[k]).next_to(plot, DOWN, 0.12))


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
    """A row of four plots per model, in the order given (F15, F16), right of `beside`: the patch
    (wide) and its reconstruction from the full code, then with component 1, 2, 3 zeroed, recorded as
    '<variant> full', '<variant> without k'."""
    rows = [(v, ck, story.ablated_outputs(ck, patch)) for v, ck in models.items()]
    lo = min(patch.min(), *(r.min() for _, _, r in rows))
    hi = max(patch.max(), *(r.max() for _, _, r in rows))
    names = ("full", "without 1", "without 2", "without 3")
    colours = (th.TEXT_COLOR, *th.FILTER_COLORS)
    grid = VGroup(*[VGroup(*[pic.SignalPlot(KERNEL, pic.nice_range(lo - 0.05, hi + 0.05), 1.1, 1.05, n,
                                            label_color=c, x_numbers=False, y_numbers=False,
                                            font_size=th.SMALL_SIZE - 2)
                             for n, c in zip(names, colours)]).arrange(RIGHT, buff=0.14)
                    for _ in rows]).arrange(DOWN, buff=0.85)
    grid.next_to(beside, RIGHT, buff=0.3).align_to(beside, UP).shift(DOWN * 0.55)
    grid.add(VGroup(*[th.text(f"{v}, seed {ck.seed}:", th.SMALL_SIZE).next_to(row, UP, 0.45)
                      .align_to(row, LEFT)
                      for row, (v, ck, _) in zip(grid, rows)]))  # each row's model, above its plots
    sigs = VGroup()
    for row, (v, _, outs) in zip(grid, rows):
        for plot, o, n in zip(row, outs, names):
            sigs.add(pic.Signal(plot, patch, th.DATA_COLOR, width=8, dot_radius=0, opacity=0.5),
                     pic.Signal(plot, o, th.OUTPUT_COLOR, width=2.5, dot_radius=0.03, role=f"{v} {n}"))
    return grid, sigs


class LookAlikeBoard:
    """The look-alikes (F17), laid out under `title`: the example curve and three look-alikes sharing
    one sample's value ('curve j'), with those values."""

    def __init__(self, title):
        curves = data.make_curves()[0]
        self.idx, curve = story.demo_curve()
        self.sample, self.others = story.look_alikes(curves, self.idx)
        self.apart = np.abs(curves[self.others] - curve).max()  # the look-alikes' largest gap anywhere
        lo, hi = min(curves[self.others].min(), curve.min()), max(curves[self.others].max(), curve.max())
        self.plot = pic.SignalPlot(WINSIZE, pic.nice_range(lo - 0.05, hi + 0.05), 7.5, 3.2,
                                   f"curve {self.idx} and 3 look-alikes at sample {self.sample}")
        colours = [(self.idx, th.TEXT_COLOR)] + [(j, th.DATA_COLOR) for j in self.others]
        self.values = VGroup(th.text(f"sample {self.sample}:", th.SMALL_SIZE, th.TEXT_COLOR),
                             *[th.text(f"{curves[j, self.sample]:.4f}", th.SMALL_SIZE, col)
                               for j, col in colours]
                             ).arrange(DOWN, buff=0.1).next_to(self.plot, RIGHT, buff=0.3)
        VGroup(self.plot, self.values).next_to(title, DOWN, buff=0.95)
        self.target = pic.Signal(self.plot, curve, th.TEXT_COLOR, width=5, dot_radius=0.05,
                                 role=f"curve {self.idx}")
        self.rest = [pic.Signal(self.plot, curves[j], th.DATA_COLOR, width=2, dot_radius=0.03, opacity=0.8,
                                role=f"curve {j}") for j in self.others]
        axes = self.plot.axes
        self.marker = DashedLine(axes.c2p(self.sample, axes.y_range[0]),
                                 axes.c2p(self.sample, axes.y_range[1]), color=th.MUTED_COLOR)


class FilterBoard:
    """The input-noise encoder filters (F18, C7), under `title`: at their true size in their channel
    colours ('true filter i'), with each filter's largest |weight| (mean of seeds); beside, the shapes
    each scaled to 1: the plain model's filters matched onto the input-noise channels, turning into
    the input-noise filters ('smooth filter i'); and the table of jaggedness per channel (variants x
    channels, with random filters for reference)."""

    def __init__(self, plain, smooth, found: dict[str, story.Smoothness], title):
        lim = np.abs(smooth.enc_w).max() * 1.1
        self.true_plot = pic.SignalPlot(KERNEL, pic.nice_range(-lim, lim), 3.6, 2.2,
                                        f"input-noise, seed {smooth.seed}: true size")
        self.shape_plot = pic.SignalPlot(KERNEL, (-1.0, 1.0, 0.5), 3.6, 2.2,
                                         "shapes scaled to 1: plain, then input noise")
        VGroup(self.true_plot, self.shape_plot).arrange(RIGHT, buff=2.6).next_to(title, DOWN, buff=0.8)
        self.true = [pic.Signal(self.true_plot, smooth.enc_w[i], th.FILTER_COLORS[i], width=4,
                                dot_radius=0.05,
                                role=f"true filter {i + 1}") for i in range(3)]
        big = found["input-noise"].largest
        self.sizes = VGroup(th.text("largest |weight|,", th.SMALL_SIZE - 2),
                            th.text("mean of seeds:", th.SMALL_SIZE - 2),
                            *[th.text(f"filter {i + 1}: {big[i]:.3g}", th.SMALL_SIZE, th.FILTER_COLORS[i])
                              for i in range(3)]).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        self.sizes.next_to(self.true_plot.axes, RIGHT, buff=0.2)
        matched = an.match_filters(plain.enc_w, smooth.enc_w).aligned
        self.plain = VGroup(*[pic.Signal(self.shape_plot, scaled_to_one(matched)[i], th.FILTER_COLORS[i],
                                         width=3, dot_radius=0.04) for i in range(3)])
        self.shaped = VGroup(*[pic.Signal(self.shape_plot, scaled_to_one(smooth.enc_w)[i],
                                          th.FILTER_COLORS[i],
                                          width=3, dot_radius=0.04, role=f"smooth filter {i + 1}")
                               for i in range(3)])
        rows = [("jaggedness", *[th.filter_name(i).split(" (")[0] for i in range(3)])]
        names = {"plain": "plain", "code-noise": "code noise only", "input-noise": "input noise"}
        for v, f in found.items():
            rows.append((names[v], *[f"{x:.3f}" if x < 0.1 else f"{x:.2f}" for x in f.jagged]))
        cells = VGroup()
        for r, row in enumerate(rows):
            for c, word in enumerate(row):
                colour = (th.FILTER_COLORS[c - 1] if r == 0 and c else
                          th.TEXT_COLOR)
                cell = th.text(word, th.SMALL_SIZE, colour)
                if r and c:
                    cell.role = f"jaggedness {list(found)[r - 1]} {c}"
                    cell.get_value = lambda x=found[list(found)[r - 1]].jagged[c - 1]: x
                cells.add(cell)
        self.table = VGroup(cells.arrange_in_grid(len(rows), 4, buff=(0.6, 0.12), col_alignments="lrrr"),
                            th.text(f"(0: a straight line; random filters: {found['plain'].random:.1f}; "
                                    "mean of all seeds)", th.SMALL_SIZE - 2, th.MUTED_COLOR))
        self.table.arrange(DOWN, buff=0.12).next_to(VGroup(self.true_plot, self.shape_plot), DOWN, buff=0.3)


class TanhBoard:
    """C7's bound: tanh from -reach to reach (and the line code = x, what there would be without
    tanh), the pre-activations of the largest filter's channel as a rug on the x axis and as dots on
    the curve (every 8th patch), and the reach and the share tanh bends."""

    def __init__(self, found: story.TanhBound, title):
        reach = max(found.reach * 1.1, 1.2)
        self.axes = Axes(x_range=[-reach, reach, 1], y_range=[-reach, reach, 1], x_length=5.6, y_length=4.6,
                         tips=False, axis_config={"color": th.MUTED_COLOR, "include_ticks": True,
                                                  "tick_size": 0.05})
        self.axes.next_to(title, DOWN, buff=0.5).to_edge(LEFT, buff=1.2)
        k = found.channel
        self.labels = VGroup(
            th.text(f"across: dot product + bias (filter {k + 1})", th.SMALL_SIZE)
            .next_to(self.axes, DOWN, 0.2),
            th.text("up: code", th.SMALL_SIZE).next_to(self.axes.y_axis, UP, 0.1),
            *[th.text(f"{v:g}".replace("-", "\u2212"), th.SMALL_SIZE - 2, th.MUTED_COLOR)
              .next_to(self.axes.c2p(v, 0), DOWN, 0.1) for v in (-1, 1)],
            *[th.text(f"{v:g}".replace("-", "\u2212"), th.SMALL_SIZE - 2, th.MUTED_COLOR)
              .next_to(self.axes.c2p(0, v), LEFT, 0.1).shift(UP * 0.15) for v in (-1, 1)])
        self.ceiling = VGroup(*[DashedLine(self.axes.c2p(-reach, v), self.axes.c2p(reach, v),
                                           color=th.TEXT_COLOR,
                                           stroke_width=2) for v in (-1, 1)])
        self.curve = self.axes.plot(np.tanh, x_range=[-reach, reach], color=th.TEXT_COLOR, stroke_width=4)
        self.identity = DashedLine(self.axes.c2p(-reach, -reach), self.axes.c2p(reach, reach),
                                   color=th.MUTED_COLOR, stroke_width=2)
        pre = found.pre[::8]
        self.dots = speed.Dots(speed.coords_to_points(self.axes, pre, np.tanh(pre)), 0.03,
                               th.FILTER_COLORS[k], 0.35)
        self.rug = VGroup(*[Line(self.axes.c2p(x, -0.06 * reach), self.axes.c2p(x, 0.06 * reach),
                                 stroke_width=1, color=th.FILTER_COLORS[k], stroke_opacity=0.35)
                            for x in pre[::4]])
        self.notes = VGroup(
            th.text(f"dot products reach {found.reach:.2f}", th.LABEL_SIZE, th.FILTER_COLORS[k]),
            th.text(f"the code stays within {found.code_reach:.2f}", th.LABEL_SIZE, th.TEXT_COLOR),
            th.text(f"{found.bent:.0%} of patches beyond 1,", th.SMALL_SIZE),
            th.text("where tanh bends", th.SMALL_SIZE),
            th.text("grey dashes: code = dot product (no tanh)", th.SMALL_SIZE, th.MUTED_COLOR),
            th.text(f"{th.TEXT_NAME} dashes: tanh's ceiling, 1", th.SMALL_SIZE, th.TEXT_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.15).next_to(self.axes, RIGHT, buff=0.8)


class SeedTiles(VGroup):
    """One small bar chart per seed of a variant (C11): the share of each channel's cost in the seed's
    total loss increase, bars in the channel colours ('seed s share k'), and under each whether the
    order 1 < 2 < 3 holds and whether a channel is dead."""

    def __init__(self, models, found: story.Channels):
        super().__init__()
        for m, costs, spread in zip(models, found.costs, found.spread):
            share = costs / costs.sum()
            frame = Line(LEFT * 0.42, RIGHT * 0.42, color=th.MUTED_COLOR, stroke_width=2)
            room = Line(frame.get_left(), frame.get_left() + UP * 0.9, stroke_opacity=0)  # same height each
            bars = VGroup()
            for k in range(3):
                bar = Rectangle(width=0.2, height=max(0.9 * share[k], 0.002), fill_color=th.FILTER_COLORS[k],
                                fill_opacity=0.9, stroke_width=0)
                bar.move_to(frame.get_left() + RIGHT * (0.14 + 0.28 * k), aligned_edge=DOWN)
                bar.role = f"seed {m.seed} share {k + 1}"
                bar.drawn_value = lambda bar=bar: bar.height / 0.9
                bars.add(bar)
            ordered = bool(np.all(np.diff(costs) > 0))
            dead = [str(k + 1) for k in range(3) if spread[k] == 0]
            tags = VGroup(th.text(f"seed {m.seed}", th.SMALL_SIZE - 2),
                          th.text("in order" if ordered else "not in order", th.SMALL_SIZE - 2,
                                  th.TEXT_COLOR if ordered else th.ACCENT_COLOR))
            if dead:
                tags.add(th.text(f"dead: {', '.join(dead)}", th.SMALL_SIZE - 2, th.ACCENT_COLOR))
            tags.arrange(DOWN, buff=0.05)
            self.add(VGroup(VGroup(room, frame, bars), tags.next_to(frame, DOWN, 0.1)))
        self.arrange_in_grid(2, (len(self) + 1) // 2, buff=(0.3, 0.3), cell_alignment=UP)
        self.add(VGroup(th.text("each seed: share of the cost of zeroing 1, 2, 3", th.SMALL_SIZE),
                        th.text("dead: a channel whose code is 0 for every patch", th.SMALL_SIZE - 2,
                                th.MUTED_COLOR)).arrange(DOWN, buff=0.08).next_to(self, UP, 0.25))


class NoisePlane(VGroup):
    """The noise idea (F11), laid out under `title`: real codes on the c1-c2 plane, the clean code
    (a ring, 'clean code'), and noise draws (core.story.noise_draws) around it: first DRAWS draws with
    the same std `sigma / RING_STD` on c1 and c2, then DRAWS with more on c1 (`wide`, std per axis).
    `t` (0 .. 2 DRAWS - 1) walks the point from draw to draw, leaving a dot at each one visited; the
    ring is RING_STD std of the current noise (`sx`, `sy`: its half-axes over RING_STD). The decoded
    curve of the clean and of the shaken code are drawn beside. `update()` moves it all."""

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
        std = sigma / RING_STD
        self.std, self.wide = (std, std), (2 * std, std / 4)  # equal noise, then 8x more on c1
        z = story.noise_draws(2 * DRAWS)
        self.offsets = np.concatenate([z[:DRAWS] * self.std, z[DRAWS:] * self.wide])  # (2 DRAWS, 2)
        reach = np.abs(self.offsets).max(axis=0)
        corners = np.array([code + [dx, dy, 0] for dx in (-reach[0], reach[0])
                            for dy in (-reach[1], reach[1])])
        out = ck.decode(code[None])[0]
        self.plot = pic.SignalPlot(7, pic.output_range(ck, corners), 5.4, 3.2,
                                   f"decoded: the clean code ({th.TEXT_NAME}) and the shaken one")
        VGroup(VGroup(self.axes, self.labels), self.plot).arrange(RIGHT, buff=0.9).next_to(title, DOWN,
                                                                                           buff=0.8)
        self.cloud = speed.Dots(speed.coords_to_points(self.axes, codes[:, 0], codes[:, 1]), 0.02,
                                th.DATA_COLOR, 0.5)
        self.center = self.axes.c2p(code[0], code[1])
        self.marker = Circle(radius=0.09, color=th.TEXT_COLOR, stroke_width=3).move_to(self.center)
        self.marker_label = th.text("small circle: the clean code", th.SMALL_SIZE - 2)
        self.ring_label = VGroup(th.text(f"dashed ring: {RING_STD} std of the noise", th.SMALL_SIZE - 2),
                                 th.text("dots: the noisy codes", th.SMALL_SIZE - 2))
        VGroup(self.marker_label, *self.ring_label).arrange(DOWN, aligned_edge=LEFT, buff=0.06).next_to(
            self.axes, DOWN, buff=0.12).align_to(self.axes, LEFT)
        self.clean = pic.Signal(self.plot, out, th.TEXT_COLOR, width=3, dot_radius=0.04)
        self.shaken = pic.Signal(self.plot, out, th.OUTPUT_COLOR, width=5, dot_radius=0.06)
        self.sx, self.sy, self.t = ValueTracker(self.std[0]), ValueTracker(self.std[1]), ValueTracker(0.0)
        self.unit = self.axes.c2p(1, 1) - self.axes.c2p(0, 0)
        self.ring = DashedVMobject(Ellipse(width=2 * RING_STD * self.std[0] * self.unit[0],
                                           height=2 * RING_STD * self.std[1] * self.unit[1],
                                           color=th.TEXT_COLOR), num_dashes=40).move_to(self.center)
        self.dot = speed.Dots(np.array([self.center]), 0.08, th.TEXT_COLOR)
        self.trail = speed.Dots(np.repeat([self.center], DRAWS, axis=0), 0.04, th.TEXT_COLOR, 0.6)

    def inside(self, phase: int) -> int:
        """How many of phase `phase`'s (0: equal, 1: wide) draws land inside the ring."""
        std = np.array(self.std if phase == 0 else self.wide)
        d = self.offsets[phase * DRAWS:(phase + 1) * DRAWS] / std
        return int(np.sum(np.sum(d**2, axis=1) <= RING_STD**2))

    def offset(self, t: float) -> np.ndarray:
        """The point's offset from the clean code at `t`: it rests on draw int(t) for half the step,
        then moves to the next draw (inside one phase)."""
        i = min(int(t), 2 * DRAWS - 1)
        f = t - i
        if f <= 0.5 or i + 1 >= 2 * DRAWS or (i + 1) % DRAWS == 0:
            return self.offsets[i]
        a = speed_smooth((f - 0.5) / 0.5)
        return (1 - a) * self.offsets[i] + a * self.offsets[i + 1]

    def update(self) -> None:
        t = self.t.get_value()
        d = self.offset(t)
        self.dot.set_positions(np.array([self.axes.c2p(self.code[0] + d[0], self.code[1] + d[1])]))
        self.shaken.set_values(self.ck.decode((self.code + [d[0], d[1], 0.0])[None])[0])
        phase = min(int(t) // DRAWS, 1)
        done = min(int(t) - phase * DRAWS + 1, DRAWS)
        seen = self.offsets[phase * DRAWS:phase * DRAWS + done]
        pts = np.repeat([self.dot.positions()[0]], DRAWS, axis=0)
        pts[:done] = speed.coords_to_points(self.axes, self.code[0] + seen[:, 0], self.code[1] + seen[:, 1])
        self.trail.set_positions(pts)
        self.ring.stretch_to_fit_width(2 * RING_STD * self.sx.get_value() * self.unit[0])
        self.ring.stretch_to_fit_height(2 * RING_STD * self.sy.get_value() * self.unit[1])
        self.ring.move_to(self.center)


def speed_smooth(x: float) -> float:
    """Smoothstep on [0, 1]: the point eases from one draw to the next."""
    x = min(max(x, 0.0), 1.0)
    return x * x * (3 - 2 * x)


class LogBars(VGroup):
    """One group of three bars per entry of `means` (a value per component or channel), on a log
    scale with a faint line at every power of 10 (F14); each bar is recorded as '<name> <k>' and reads
    its value back (`drawn_value`). `frame` is the axes, lines, powers and heading; `groups` the bars,
    their numbers (`label`) and names; `ratios` under each group the largest over the smallest, or
    with `spans` (per-seed ratios of each entry) their range over seeds. A log
    scale shows values above 0 only: a value of 0 or less (an undertrained model can gain from losing
    a component) gets no bar, its number is still written at the axis' foot."""

    def __init__(self, means: dict[str, np.ndarray], heading: str, group_width: float = 2.9,
                 label=lambda x: sci(x), height: float = 3.4, spans: dict[str, np.ndarray] | None = None):
        super().__init__()
        positive = np.concatenate([m[m > 0] for m in means.values()])
        lo = np.floor(np.log10(positive.min() if positive.size else 1e-6)) - 0.3
        hi = max(np.ceil(np.log10(positive.max() if positive.size else 1e-6)), lo + 1.3)
        self.axes = Axes(x_range=[0, 4 * len(means), 1], y_range=[lo, hi, 1],
                         x_length=group_width * len(means), y_length=height, tips=False,
                         axis_config={"color": th.MUTED_COLOR, "include_ticks": False})
        powers = range(int(np.ceil(lo)), int(hi) + 1)
        ticks = VGroup(*[th.text(f"1e{e}", th.SMALL_SIZE - 2, th.MUTED_COLOR)
                         .next_to(self.axes.c2p(0, e), LEFT, 0.12) for e in powers])
        grid = VGroup(*[Line(self.axes.c2p(0, e), self.axes.c2p(4 * len(means), e), stroke_width=1,
                             color=th.MUTED_COLOR, stroke_opacity=0.35) for e in powers])
        self.frame = VGroup(grid, self.axes, ticks, th.text(heading + " (log scale)", th.SMALL_SIZE)
                            .next_to(self.axes, UP, 0.45))
        self.groups, self.ratios = VGroup(), VGroup()
        for g, (v, mean) in enumerate(means.items()):
            last = None  # the number above the bar before, in this group
            for k in range(3):
                x = 4 * g + 1 + k
                base = self.axes.c2p(x, lo)
                top = self.axes.c2p(x, np.log10(mean[k])) if mean[k] > 0 else base
                bar = Rectangle(width=0.45, height=max(top[1] - base[1], 1e-3),
                                fill_color=th.FILTER_COLORS[k], fill_opacity=0.9, stroke_width=0)
                bar.move_to((top + base) / 2)
                bar.role = f"{v} {k + 1}"
                bar.drawn_value = lambda bar=bar: 10 ** self.axes.p2c(bar.get_top())[1]
                number = th.text(label(mean[k]), th.SMALL_SIZE - 4).next_to(bar, UP, 0.05)
                if last is not None and number.get_left()[0] < last.get_right()[0] + 0.12 and \
                        number.get_bottom()[1] < last.get_top()[1] + 0.04:  # would touch its neighbour's
                    number.next_to(last, UP, 0.04).set_x(bar.get_x())
                last = number
                self.groups.add(VGroup(bar, number))
            self.groups.add(th.text(v, th.SMALL_SIZE).next_to(self.axes.c2p(4 * g + 2, lo), DOWN, 0.2))
            if spans is not None and np.all(np.isfinite(spans[v])):
                words = f"per seed {fmt_span(spans[v])}"
            elif mean.min() > 0:
                words = f"{fmt_ratio(mean.max() / mean.min())} apart"
            else:
                continue
            self.ratios.add(th.text(words, th.SMALL_SIZE - 2, th.TEXT_COLOR)
                            .next_to(self.groups[-1], DOWN, 0.1))
        self.add(self.frame, self.groups, self.ratios)
