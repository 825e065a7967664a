"""`manim -pqh scenes/code_noise.py`: the article's claim that noise of a different size on each code
channel puts the components in order, tested: which noise was used (the article's text meant one,
its code applied another), plain seeds that disagree, the idea, the code-noise seeds that agree,
what zeroing each component costs (the only measure of importance used), and what the article's
code really did.

Article (docs/article.md): claims C4-C6, figures F9-F16. Every number is measured at render time on
the models of all seeds of each variant in the checkpoint folder (core.analysis, core.story);
DECONV_SEED picks the model used as example. The subtitles (CodeNoiseScene.srt beside the video)
say the same numbers and choose their sentences from the same measurements as the screen. The
boards and verdicts are scenes.noise_parts', shared with scenes/input_noise.py.
"""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, VGroup, linear

from core import story
from core.data import KERNEL
from core.subtitles import count_word
from scenes import speed
from scenes import theme as th
from scenes.noise_parts import (
    DRAWS,
    HUES,
    RING_STD,
    LogBars,
    NoisePlane,
    NoiseStage,
    SeedsBoard,
    ShakeBoard,
    SpreadBoard,
    ablated_grid,
    coded_verdict,
    fmt_ratio,
    fmt_span,
    importance_verdict,
    noise_table,
    sci,
)
from scenes.speed import Drive, fade_in, fade_out
from scenes.stage import Explainer

VARIANTS = ("plain", "code-noise", "code-noise-article")
CLAIM = ("noise of a different size on each code channel puts the components in order, most "
         "important in the quietest channel")


def seed_range(values: np.ndarray) -> str:
    """'0.071 to 0.124' over seeds, or 'each 0.004' where every seed reads the same to 3 places."""
    lo, hi = f"{np.min(values):.3f}", f"{np.max(values):.3f}"
    return f"each {hi}" if lo == hi else f"{lo} to {hi}"


class CodeNoiseScene(NoiseStage, Explainer):
    def construct(self):
        self.prepare(VARIANTS)
        self.next_section("claim")
        self.claim_and_noise()
        self.begin("seeds-disagree")
        self.seeds_disagree()
        self.begin("noise-idea")
        self.noise_idea()
        self.begin("after-training")
        self.shaken_models()
        self.begin("noise-orders-components")
        self.seeds_agree()
        self.begin("ablation")
        self.ablation()
        self.begin("what-the-code-did")
        self.what_the_code_did()

    # --- 0. the claim, and which noise the models were trained with ------------------------------------
    def claim_and_noise(self):
        shown = self.claim("Claim: code noise puts the components in order",
                           ("The article's claim: noise of a different size on each code channel",
                            "puts the components in order, most important in the quietest channel.",
                            "A component: one code number, c1, c2 or c3."), CLAIM)
        meant = self.models["code-noise"][0].code_noise  # as trained, from the checkpoints
        did = self.models["code-noise-article"][0].code_noise
        table = noise_table([("meant (the article's text)", th.TEXT_COLOR, meant, "our code-noise models"),
                             ("applied (the article's code)", th.TEXT_COLOR, did,
                              "the code-noise-article models")], "noise")
        note = th.text("its code's slices multiply: what that did is measured in the last section",
                       th.SMALL_SIZE - 2, th.MUTED_COLOR)
        VGroup(table, note).arrange(DOWN, buff=0.3).next_to(shown, DOWN, buff=0.55)
        self.wait(1)
        said_meant, said_did = (", ".join(f"{s:g}" for s in stds) for stds in (meant, did))
        self.say(f"Which noise? The article meant std {said_meant} on c1, c2, c3;",
                 f"its code applied {said_did}: its slices multiply.")
        self.play(fade_in(table), run_time=1)
        self.wait(2)
        self.say("Our code-noise models use the meant noise,",
                 "the code-noise-article models the applied one, measured last.")
        self.play(fade_in(note), run_time=0.8)
        self.wait(2)
        self.payoff()

    # --- 1 and 4: filters of several seeds, then order and sign matched (F9, F10, F12, F13) ------------
    def seed_boards(self, variant: str, heading: str, matched: str, said: tuple[str, ...]) -> tuple:
        """The raw decoder filters of SHOWN_SEEDS seeds, then each seed's renumbered and flipped onto
        the example seed's (`matched` on screen, `said` while they move); then every seed matched and
        overlaid, filter by filter. Returns the title and that overlay (not yet shown)."""
        models, ref = self.models[variant], self.example(variant)
        title = th.title(heading)
        b = SeedsBoard(models, ref, title)
        note = th.text("decoder filters as trained: filter 1, 2, 3 of each seed", th.LABEL_SIZE)
        note.next_to(title, DOWN, 0.15)
        note2 = th.text(matched, th.SMALL_SIZE + 2).move_to(note)
        # the colour key on screen, under the seeds' plots, as the subtitles say it
        key = VGroup(*[th.text(f"filter {i + 1}", th.SMALL_SIZE, th.FILTER_COLORS[i]) for i in range(3)])
        key.arrange(RIGHT, buff=0.4).next_to(b.plots, DOWN, 0.35)
        key.role, key.drawn_values = "filter key", lambda: np.arange(1, 4)  # the filters it names
        what = " (trained without noise)" if variant == "plain" else ""
        self.say(f"Decoder filters of {len(b.shown)} {variant} models{what}, one per seed.",
                 "Filter " + ", ".join(f"{i + 1} {h}" for i, h in enumerate(HUES)) + ".")
        self.play(fade_in(title), fade_in(b.plots, *b.raw, note, key), run_time=1.5)
        self.wait(3)
        self.say(*said)
        self.play(fade_out(note), fade_in(note2), run_time=0.6)
        self.play(*b.moves(), run_time=3)
        self.wait(1)
        self.let_read()
        self.play(fade_out(b.plots, *b.aligned, note2, key), run_time=0.6)
        noisy = max(models[0].code_noise) > 0
        return title, SpreadBoard(models, ref, title, self.channels[variant] if noisy else None)

    def seeds_disagree(self):
        """Plain seeds, the matching explained in full: the one place the video says how it is done."""
        ref, found = self.example("plain"), self.agree["plain"]
        ways = math.factorial(3) * 2**3  # orders x signs
        title, spread = self.seed_boards(
            "plain", "Different seeds, different filters?",
            f"renumber and flip each seed's filters to match seed {ref.seed}: the best of {ways} ways",
            (f"Each seed's filters are renumbered and flipped to match seed {ref.seed}.",
             "Neither changes what a model computes."))
        self.say(f"All {found.seeds} seeds, matched the same way, drawn filter by filter.")
        self.play(fade_in(spread), run_time=1.2)
        self.wait(2.5)
        result = self.agreement_lines("plain", (
            th.text("(mean cosine of matched filters; identical filters: 1)", th.SMALL_SIZE, th.MUTED_COLOR),
            th.text(f"unrelated random filters, matched the same way: {found.baseline:.3f}", th.SMALL_SIZE,
                    th.MUTED_COLOR))).next_to(spread, DOWN, buff=0.3)
        self.say(f"Consistency over all {found.seeds} seeds: {found.score:.3f}, the mean cosine of matched "
                 "filters.", f"Identical filters score 1; unrelated random ones {found.baseline:.3f}:",
                 f"the best of {ways} matches makes even random filters look a bit alike.")
        self.play(fade_in(result[1:]), run_time=1)
        self.wait(2)
        self.say(agreement_said(found))
        self.play(fade_in(result[0]), run_time=0.8)
        self.wait(3)
        self.payoff()

    def seeds_agree(self):
        """Code-noise seeds: the same matching, named in a clause (seeds-disagree explains it), and
        its result against the plain seeds'; the filters' sizes said as sizes only."""
        ref, found, plain = self.example("code-noise"), self.agree["code-noise"], self.agree["plain"]
        title, spread = self.seed_boards(
            "code-noise", "With code noise, do the seeds agree?",
            f"matched to seed {ref.seed} as the plain seeds were",
            (f"Matched to seed {ref.seed} as the plain seeds were: renumbered and flipped.",))
        self.say(f"All {found.seeds} seeds, drawn filter by filter.")
        self.play(fade_in(spread), run_time=1.2)
        self.wait(2.5)
        result = self.agreement_lines("code-noise", (
            th.text(f"plain models: {plain.score:.3f}; unrelated random filters: {found.baseline:.3f}",
                    th.SMALL_SIZE, th.MUTED_COLOR),)).next_to(VGroup(spread, spread.norms), DOWN, buff=0.3)
        self.say(f"Consistency over all {found.seeds} seeds: {found.score:.3f};",
                 f"plain {plain.score:.3f}, unrelated random ones {found.baseline:.3f}.")
        self.play(fade_in(result[1:]), run_time=1)
        self.wait(2)
        self.say(agreement_said(found))
        self.play(fade_in(result[0]), run_time=0.8)
        self.wait(2)
        norm = self.channels["code-noise"].norm.mean(axis=0)
        big, small = int(np.argmax(norm)), int(np.argmin(norm))
        self.say(f"Filter {big + 1} has the largest norm ({norm[big]:.2f}), filter {small + 1} the smallest "
                 f"({norm[small]:.2f}).",
                 "Size alone is not importance: the output adds code times filter,",
                 "so a code scaled up with its filter scaled down gives the same output.",
                 "Zeroing each component measures importance next.")
        self.play(fade_in(spread.norms), run_time=0.8)
        self.wait(3)
        self.payoff()

    def agreement_lines(self, variant: str, notes: tuple) -> VGroup:
        """The verdict line, the consistency (a live number, 'consistency <variant>'), then `notes`."""
        found = self.agree[variant]
        verdict = {"identical": "the seeds learn the same filters",
                   "closer than chance": "more alike than chance, but not the same filters",
                   "like chance": "no more alike than unrelated random filters"}[found.verdict]
        return VGroup(th.text(verdict, th.LABEL_SIZE, th.OUTPUT_COLOR),
                      VGroup(th.text(f"consistency over all {found.seeds} seeds:", th.SMALL_SIZE),
                             speed.number(found.score, 3, th.SMALL_SIZE, th.TEXT_COLOR, sign=False,
                                          role=f"consistency {variant}")).arrange(RIGHT, buff=0.15),
                      *notes).arrange(DOWN, buff=0.14)

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
        # the idea predicts; zeroing each component (the ablation) measures which one matters
        end = th.text("so training should put the most important component in the quietest one",
                      th.LABEL_SIZE, th.OUTPUT_COLOR).move_to(captions[3])
        self.say("So training should put the most important component in the quietest channel.")
        self.play(fade_out(captions[3]), fade_in(end), run_time=0.8)
        self.wait(3.5)
        self.payoff()

    # --- 3. both trained models shaken --------------------------------------------------------------
    def shaken_models(self):
        """Both trained models shaken by the code-noise training scales: the plain decoder's output
        swings, the code-noise decoder's barely moves (it learnt to ignore what the noise can hide)."""
        title = th.title("After training: shake both models the same way")
        scales = np.array(self.models["code-noise"][0].code_noise)  # as trained, from the checkpoint
        b = ShakeBoard([self.example(v) for v in ("plain", "code-noise")], scales, title)
        # how far each variant's output moves, over every training patch and the whole shake, every seed
        moved = {m.variant: np.array([story.shake_rms(seed, self.patches, scales)
                                      for seed in self.models[m.variant]]) for m in b.models}
        (rms_a, name_a), (rms_b, name_b) = ((moved[m.variant].mean(), m.variant) for m in b.models)
        n = len(moved[name_a])
        noise_txt = ", ".join(f"{x:g}" for x in scales)
        calm, wild = sorted([(rms_a, name_a), (rms_b, name_b)])
        ratio = wild[0] / max(calm[0], 1e-12)
        self.say("Both trained models are shaken the same way:",
                 f"each channel moved on a loop by up to its training noise std, {noise_txt}.",
                 f"The {wild[1]} output swings; the {calm[1]} one barely moves." if ratio >= 10
                 else f"The {wild[1]} output moves {ratio:.1f}x more than the {calm[1]} one.")
        caption = th.text(f"the same shake for both: c1, c2, c3 moved on a loop by up to {noise_txt}",
                          th.SMALL_SIZE + 2)
        self.play(fade_in(title), fade_in(b.plots, *b.clean, *b.moving, caption.next_to(title, DOWN, 0.15)),
                  run_time=1.2)
        self.play(Drive(VGroup(*b.moving), b.shake, run_time=5, rate_func=linear))
        b.notes = VGroup(*[VGroup(
            th.text(f"output moves by {moved[m.variant].mean():.3f} (rms)", th.SMALL_SIZE,
                    th.ACCENT_COLOR if m.variant == wild[1] else th.OUTPUT_COLOR),
            th.text(f"mean of {n} seeds ({seed_range(moved[m.variant])})",
                    th.SMALL_SIZE - 2, th.MUTED_COLOR)).arrange(DOWN, buff=0.1).next_to(p, DOWN, 0.3)
            for m, p in zip(b.models, b.plots)])
        over = th.text(f"rms over every training patch, all {KERNEL} output samples and the whole shake; "
                       f"drawn: seed {b.models[0].seed}, one patch", th.SMALL_SIZE - 2, th.MUTED_COLOR)
        key = th.text(f"{th.TEXT_NAME}: the output of the clean code; {th.OUTPUT_NAME}: of the shaken code",
                      th.SMALL_SIZE - 2, th.MUTED_COLOR)
        over = VGroup(over, key).arrange(DOWN, buff=0.1)
        over.next_to(b.notes, DOWN, 0.25)
        self.say(f"Over every training patch, mean of {count_word(n)} seeds:" if n > 1 else
                 "Over every training patch:",
                 f"the output moves by {rms_a:.3f} (rms) for {name_a}, {rms_b:.3f} for {name_b}.")
        self.play(fade_in(b.notes, over), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 5. ablation (F14, F15, F16): the one measure of which component matters ------------------------
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
                    th.SMALL_SIZE)).arrange(DOWN, buff=0.1).to_edge(DOWN, buff=0.5)
        self.say(f"Plain: at most {fmt_ratio(r['plain'].max())} apart, and a seed numbers its channels "
                 "in any order.",
                 f"Code-noise: zeroing the noisiest, 1, costs {sci(noisy[0])}; "
                 f"the quietest, 3, {sci(noisy[2])}.")
        self.play(fade_in(note), run_time=0.8)
        self.wait(2)
        shown, said = importance_verdict(self.channels["code-noise"])
        verdict = th.lines(shown, th.SMALL_SIZE, th.OUTPUT_COLOR, width=6.2, buff=0.06)
        verdict.next_to(grid, DOWN, buff=0.35)
        self.say(*said)
        self.play(fade_in(verdict), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 6. what the article's code really did -------------------------------------------------------
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


def agreement_said(found: story.SeedAgreement) -> str:
    """The verdict on a variant's seed agreement, as said."""
    return {"identical": "The seeds learn the same filters.",
            "closer than chance": "More alike than chance, but not the same filters.",
            "like chance": "No more alike than random filters."}[found.verdict]
