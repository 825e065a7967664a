"""`manim -pqh scenes/input_noise.py`: the article's claim that noise on the input makes the encoder's
filters smooth, tested. The input-noise models carry the code-noise models' code noise too, so
every effect is compared with code-noise-only models before it is put down to the input noise: why
exact data lets a filter be jagged, the filters' sizes (the code noise's) and shapes (smoothed by
the input noise, filter by filter), then two things these models share with the code-noise ones:
tanh's ceiling on the big filter's code, and code noise with ReLU instead of tanh.

Article (docs/article.md): claims C7 and C11, figures F17, F18 and C11. Every number is measured at
render time on the models of all seeds of each variant in the checkpoint folder (core.analysis,
core.story); DECONV_SEED picks the model used as example. The subtitles (InputNoiseScene.srt beside
the video) say the same numbers and choose their sentences from the same measurements as the
screen. The boards and verdicts are scenes.noise_parts', shared with scenes/code_noise.py.
"""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, ReplacementTransform, VGroup

from core import story
from scenes import theme as th
from scenes.noise_parts import (
    FilterBoard,
    LogBars,
    LookAlikeBoard,
    NoiseStage,
    SeedTiles,
    TanhBoard,
    fmt_ratio,
    noise_table,
    sci,
    sizes_verdict,
    smoothing_verdict,
    tanh_source,
)
from scenes.speed import fade_in
from scenes.stage import Explainer

VARIANTS = ("plain", "code-noise", "input-noise", "code-noise-relu")
CLAIM = "noise on the input makes the encoder's filters smooth"


class InputNoiseScene(NoiseStage, Explainer):
    def construct(self):
        self.prepare(VARIANTS)
        self.next_section("claim")
        self.claim_and_models()
        self.begin("input-noise")
        self.input_noise()
        self.begin("smooth-filters")
        self.smooth_filters()
        self.begin("tanh-bound")
        self.tanh_bound()
        self.begin("relu")
        self.relu()

    # --- 0. the claim, and the models that test it: input noise comes with code noise -------------------
    def claim_and_models(self):
        shown = self.claim("Claim: input noise smooths the encoder filters",
                           ("The article's claim: noise on the input makes the encoder's filters smooth.",),
                           CLAIM)
        named = (("plain", "plain"), ("code noise only", "code-noise"), ("input-noise", "input-noise"))
        rows = [(name, th.TEXT_COLOR, [m.input_noise, *m.code_noise], "")
                for name, m in ((name, self.example(v)) for name, v in named)]
        heads = (("input", th.TEXT_COLOR), *[(f"c{k + 1}", th.FILTER_COLORS[k]) for k in range(3)])
        table = noise_table(rows, "noise", heads=heads, corner="noise std: on the input, on the code",
                            last=None).next_to(shown, DOWN, buff=0.6)
        inp = self.example("input-noise")
        self.wait(1)
        self.say(f"Our input-noise models: std {inp.input_noise:g} on every input sample,",
                 "and the code noise of the code-noise models too: "
                 + ", ".join(f"{s:g}" for s in inp.code_noise) + ".")
        self.play(fade_in(table), run_time=1)
        self.wait(2)
        note = VGroup(th.text("so input noise is credited only with what code noise alone does not do",
                              th.SMALL_SIZE, th.OUTPUT_COLOR),
                      th.text("last: tanh's ceiling and ReLU, which concern the code noise",
                              th.SMALL_SIZE - 2, th.MUTED_COLOR)).arrange(DOWN, buff=0.12)
        note.next_to(table, DOWN, buff=0.45)
        self.say("So each effect is checked against code-noise-only models",
                 "before it is put down to the input noise.")
        self.play(fade_in(note[0]), run_time=0.8)
        self.wait(1.5)
        self.say("The last two sections, tanh's ceiling and ReLU, are about the code noise.")
        self.play(fade_in(note[1]), run_time=0.8)
        self.wait(1)
        self.payoff()

    # --- 1. input noise: why the plain filters may be jagged (F17, C7) -------------------------------
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

    # --- 2. the encoder filters with input noise, at their true size (F18, C7) --------------------------
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
        self.wait(1.5)
        # sizes: compared with the code-noise-only models before anything is put down to input noise
        self.say(*sizes_verdict(found["code-noise"], found["input-noise"]))
        self.play(fade_in(b.code_sizes), run_time=0.8)
        self.wait(2)
        self.say("Right: the shapes, each scaled to 1. Plain filters (no noise) first,",
                 "matched onto the same channels.")
        self.play(fade_in(b.shape_plot, b.plain), run_time=1)
        self.wait(2.5)
        self.say("Then the input-noise filters, code noise included: smoother.")
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

    # --- 3. what tanh does with the large filter's output (C7), a code-noise effect -----------------------
    def tanh_bound(self):
        title = th.title("tanh keeps the big filter's code within 1")
        ck = self.example("input-noise")
        found = story.tanh_bound(ck, self.patches)
        only = story.tanh_bound(self.example("code-noise"), self.patches)
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
        last = b.notes
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
            self.wait(2)
            last = end
        # the big filter is the code noise's (the input-noise models have it too): said, measured
        source = VGroup(th.text(f"code-noise-only model, seed {self.example('code-noise').seed}:",
                                th.SMALL_SIZE - 2, th.MUTED_COLOR),
                        th.text(f"filter {only.channel + 1} reaches {only.reach:.2f}", th.SMALL_SIZE - 2,
                                th.MUTED_COLOR)).arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        source.next_to(last, DOWN, buff=0.3, aligned_edge=LEFT)
        self.say(*tanh_source(found, only))
        self.play(fade_in(source), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 4. C11: code noise with ReLU instead of tanh, measured --------------------------------------------
    def relu(self):
        title = th.title("Code noise with ReLU instead of tanh: still an order?")
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
        self.say("Do the seeds agree? Consistency: the mean cosine of matched filters,",
                 f"identical ones 1: {ra.score:.2f} with ReLU, {ta.score:.2f} with tanh;",
                 "random filters, matched by order only (a sign flip changes a ReLU model): "
                 f"{ra.baseline:.2f}.")
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
