"""`manim -pqh scenes/input_noise.py`: the article's claim that noise on the input makes the encoder's
filters smooth, tested. The input-noise models carry the code-noise models' code noise too, so
every effect is compared with code-noise-only models before it is put down to the input noise: why
exact data lets a filter be jagged, the filters' sizes (the code noise's) and shapes (smoothed by
the input noise, filter by filter), why code noise makes encoder filter 1 big and its decoder filter
small, then two things these models share with the code-noise ones: tanh's ceiling on the big
filter's code, and code noise with ReLU instead of tanh.

Article (docs/article.md): claims C7 and C11, figures F17, F18 and C11. Every number is measured at
render time on the models of all seeds of each variant in the checkpoint folder (core.analysis,
core.story); DECONV_SEED picks the model used as example. The subtitles (InputNoiseScene.srt beside
the video) say the same numbers and choose their sentences from the same measurements as the
screen. The boards and verdicts are scenes.noise_parts', shared with scenes/code_noise.py; the
verdicts only this video says (the look-alikes' decimals, plain against random filters, the
encoder-decoder size trade, why ReLU seeds fall out of order) are here, each a pure function of
its numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Mobject, ReplacementTransform, VGroup

from core import data, story
from scenes import theme as th
from scenes.noise_parts import (
    FilterBoard,
    LogBars,
    LookAlikeBoard,
    NoiseStage,
    SeedTiles,
    TanhBoard,
    fmt_ratio,
    fmt_span,
    noise_table,
    sci,
    sizes_verdict,
    smoothing_verdict,
    tanh_source,
)
from scenes.speed import fade_in, fade_out
from scenes.stage import Explainer

VARIANTS = ("plain", "code-noise", "input-noise", "code-noise-relu")
CLAIM = "noise on the input makes the encoder's filters smooth"
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth")


# --- the verdicts only this video says: each a pure function of its numbers ----------------------------
def shown_value(x: float) -> float:
    """A curve's value as the look-alike column writes it (4 decimals)."""
    return round(float(x), 4)


def signed(x: float) -> str:
    """'+0.0044', '\u22120.0032': a difference as shown."""
    return f"{x:+.4f}".replace("-", "\u2212")


def decimals_verdict(values: Sequence[float], sample: int, most: int = 4) -> tuple[str, ...]:
    """Whether the look-alikes' values at `sample` (the example's first) tell the curves apart,
    chosen by the numbers: the first decimal place (up to `most`) at which, rounded, no two are
    equal. The subtitles."""
    v = np.asarray(values, float)
    if len(set(v.tolist())) < len(v):
        return (f"Two of them are exactly equal at sample {sample}:",
                "there, one sample cannot tell them apart.")
    d = next((d for d in range(1, most + 1) if len(set(np.round(v, d).tolist())) == len(v)), None)
    if d is None:
        return ("Yet no two are exactly equal there: the data is exact,",
                f"though they agree to {most} decimals at sample {sample}.")
    even = "even " if d >= 3 else ""
    return ("Yet no two are equal there. The data is exact,",
            f"so {even}the {ORDINALS[d - 1]} decimal of sample {sample} tells which curve it is.")


def plain_verdict(plain: story.Smoothness) -> tuple[str, tuple[str, ...]]:
    """Whether the plain filters (no noise) are already smoother than random ones, so that input
    noise is credited with smoothing them further, not from nothing: smoother when their mean
    jaggedness is under half of random filters'. Returns the line shown and the subtitles."""
    jp, rand = float(plain.jagged.mean()), plain.random
    if jp < rand / 2:
        return (f"plain filters, no noise: {jp:.2f} on average, already smoother than random ones "
                f"({rand:.1f})",
                (f"Plain filters, {jp:.2f} on average, are already smoother than random ones:",
                 "input noise smooths further, not from nothing."))
    return (f"plain filters, no noise: {jp:.2f} on average, about as jagged as random ones ({rand:.1f})",
            (f"Plain filters, {jp:.2f} on average, are about as jagged as random ones:",
             "any smoothness comes from the noise."))


def filter_norms(models) -> tuple[np.ndarray, np.ndarray]:
    """Per seed (rows) and channel (columns), the norm of each encoder and each decoder filter: a
    filter's size, the same measure for both (the root of its summed squared weights)."""
    return (np.array([np.linalg.norm(m.enc_w, axis=1) for m in models]),
            np.array([np.linalg.norm(m.dec_w, axis=1) for m in models]))


@dataclass(frozen=True)
class SizeTrade:
    """What code noise does to the filters' sizes (C7, the models of one variant): per channel
    the encoder filter's norm, the decoder filter's and their product, means of seeds, and the
    sentences chosen by them."""

    encoder: np.ndarray  # (3,) mean of seeds
    decoder: np.ndarray  # (3,)
    product: np.ndarray  # (3,) mean of seeds of encoder norm x decoder norm
    shown: tuple[str, ...]  # the lines on screen, one per step
    said: tuple[tuple[str, ...], ...]  # the subtitles of each step


def size_trade(noise: Sequence[float], enc: np.ndarray, dec: np.ndarray, spread: np.ndarray,
               plain_enc: np.ndarray) -> SizeTrade:
    """The encoder-decoder size trade, chosen by the numbers. `enc`, `dec`: (seeds, 3) filter norms
    of the code-noise models, `spread`: (seeds, 3) their code's std over the patches, `plain_enc`:
    (seeds, 3) the plain models' encoder norms. The noisiest channel's encoder filter is the largest
    and its decoder filter the smallest (in how many seeds); the product (the channel's gain from input
    to output, as long as tanh stays straight) counts as alike when within 2x across channels while
    the encoder filters are over 5x apart; it is a code-noise effect when the plain encoder filters
    (no noise) are closer in every seed than the code-noise ones in any."""
    noise = np.asarray(noise, float)
    k = int(np.argmax(noise))
    e, d, p = enc.mean(axis=0), dec.mean(axis=0), (enc * dec).mean(axis=0)
    both = int(np.sum((enc.argmax(axis=1) == k) & (dec.argmin(axis=1) == k)))
    n = len(enc)
    c = f"c{k + 1}"
    steps_shown, steps_said = [], []
    if both == n:
        where = f"in all {n} seeds"
    elif both:
        where = f"in {both} of {n} seeds"
    else:
        where = "in no seed"
    name = f"filter {k + 1} ({c}, noise {noise[k]:g})"
    if int(np.argmax(e)) == k and int(np.argmin(d)) == k:
        steps_shown.append(f"{name}: the largest encoder filter ({e[k]:.2f}) "
                           f"and the smallest decoder filter ({d[k]:.2f}), {where}")
        steps_said.append((f"Encoder filter {k + 1} (noise {noise[k]:g}) is the largest, {e[k]:.2f};",
                           f"its decoder filter the smallest, {d[k]:.2f}: {where}."))
        ratio = fmt_ratio(float(spread[:, k].mean() / noise[k]))
        steps_shown.append(f"the encoder scales {c} up, so its code spreads {ratio} its noise std; "
                           "the decoder scales it back down")
        steps_said.append((f"The encoder scales {c} up: its code spreads {ratio} its noise std.",
                           "The decoder scales it back down."))
    else:
        steps_shown.append(f"{name}: encoder {e[k]:.2f}, decoder {d[k]:.2f}: "
                           "not the largest encoder and smallest decoder filter")
        steps_said.append((f"Filter {k + 1}, the noisiest channel's, is not the largest encoder filter",
                           "with the smallest decoder filter."))
    nums = ", ".join(f"{x:.2f}" for x in p)
    apart = fmt_ratio(float(p.max() / p.min()))
    if p.max() / p.min() < 2 and e.max() / e.min() > 5:
        steps_shown.append(f"their product, the channel's gain from input to output, is alike: {nums} "
                           f"({apart} apart): what the data sets")
        steps_said.append(("Their product, the gain from input to output,",
                           f"is alike: {nums}. That is what the data sets."))
    else:
        steps_shown.append(f"their product, the channel's gain from input to output: {nums} ({apart} apart)")
        steps_said.append(("Their product, the gain from input to output,",
                           f"is {nums}: not alike across channels."))
    plain_r, code_r = plain_enc.max(axis=1) / plain_enc.min(axis=1), enc.max(axis=1) / enc.min(axis=1)
    if plain_r.max() < code_r.min():
        steps_shown.append(f"plain models, no noise: encoder filters {fmt_span(plain_r)} apart; code noise: "
                           f"{fmt_span(code_r)} (each seed): a code-noise effect")
        steps_said.append((f"Plain models, no code noise: encoder filters {fmt_span(plain_r)} apart.",
                           "So this is a code-noise effect."))
    else:
        steps_shown.append(f"plain models, no noise: encoder filters {fmt_span(plain_r)} apart too: "
                           "not the code noise's doing")
        steps_said.append((f"Plain models, no code noise: encoder filters {fmt_span(plain_r)} apart too.",
                           "So this is not the code noise's doing."))
    return SizeTrade(e, d, p, tuple(steps_shown), tuple(steps_said))


def order_causes(ch: story.Channels) -> tuple[str, tuple[str, ...]]:
    """Why the seeds out of order (their costs not rising 1 < 2 < 3) are so, chosen by the counts:
    a dead channel (its code 0 for every patch), or none, all three alive, and the order still
    fails (a ReLU code has no ceiling). Returns the line shown and the subtitles ('' and () when
    every seed is in order)."""
    ordered = np.all(np.diff(ch.costs, axis=1) > 0, axis=1)
    dead = np.any(ch.spread == 0, axis=1)
    out = int(np.sum(~ordered))
    if out == 0:
        return "", ()
    dead_out = int(np.sum(~ordered & dead))
    alive = out - dead_out
    seeds = "seed" if out == 1 else "seeds"
    the = f"the {out} {seeds} out of order"
    if alive == 0:
        each = f"each of {the}" if out > 1 else the
        return (f"{each} has a dead channel",
                (f"{each[0].upper()}{each[1:]} has a dead channel;",
                 "every seed with all three channels alive is in order."))
    if dead_out == 0:
        none = f"none of {the} has a" if out > 1 else f"{the} has no"
        return (f"{none} dead channel: all three alive",
                (f"{none[0].upper()}{none[1:]} dead channel:",
                 "all three alive, yet out of order: ReLU has no ceiling."))
    has = "has" if dead_out == 1 else "have"
    alive_has = "has" if alive == 1 else "have"
    return (f"of the {out} {seeds} out of order, {dead_out} {has} a dead channel; {alive} {alive_has} all "
            "three alive",
            (f"Of the {out} out of order, {dead_out} {has} a dead channel;",
             f"{alive} {alive_has} all three alive, yet out of order: ReLU has no ceiling."))


# --- small pieces of picture ---------------------------------------------------------------------------
def colour_key(lead: str, names: Sequence[str], size: float = th.SMALL_SIZE - 2) -> VGroup:
    """A key on screen: `lead` (muted), then each name in its channel's colour, in a row."""
    return VGroup(th.text(lead, size, th.MUTED_COLOR),
                  *[th.text(n, size, th.FILTER_COLORS[k]) for k, n in enumerate(names)]
                  ).arrange(RIGHT, buff=0.3)


def relabel(plot, words: str, colour: str = th.TEXT_COLOR, size: float = th.SMALL_SIZE) -> Mobject:
    """Take `plot`'s label out of it (to fade on its own) and return a new one in its place."""
    old = plot.label
    plot.remove(old)
    return th.text(words, size, colour).move_to(old).align_to(old, DOWN)


class InputNoiseScene(NoiseStage, Explainer):
    def construct(self):
        self.prepare(VARIANTS)
        self.next_section("claim")
        self.claim_and_models()
        self.begin("input-noise")
        self.input_noise()
        self.begin("smooth-filters")
        self.smooth_filters()
        self.begin("filter-sizes")
        self.filter_sizes()
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
        b = LookAlikeBoard(title, f"curve {{idx}} ({th.TEXT_NAME}) and 3 look-alikes ({th.DATA_NAME}); "
                                  "dashes: sample {sample}")
        curves = data.make_curves()[0]
        s, idx = b.sample, b.idx
        caption = th.text("the synthetic curves are exact: one sample's value already tells which curve "
                          "it is", th.SMALL_SIZE, th.TEXT_COLOR).next_to(title, DOWN, 0.15)
        label = b.plot.label
        # the values at sample s as written, each look-alike's minus curve idx's (of the values written)
        ref = shown_value(curves[idx, s])
        diffs = {int(j): round(shown_value(curves[j, s]) - ref, 4) for j in b.others}
        bound = max(story.SIMILAR_TOL, max(abs(x) for x in diffs.values()))
        head = VGroup(th.text(f"sample {s}:", th.SMALL_SIZE, th.TEXT_COLOR),
                      th.text(f"(minus curve {idx}'s)", th.SMALL_SIZE - 2, th.MUTED_COLOR)
                      ).arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        rows = VGroup()
        first = th.text(f"{ref:.4f}", th.SMALL_SIZE, th.TEXT_COLOR)
        first.role, first.get_value = f"value {idx}", (lambda x=ref: x)
        rows.add(VGroup(first))
        for j in b.others:
            value = shown_value(curves[j, s])
            v = th.text(f"{value:.4f}", th.SMALL_SIZE, th.DATA_COLOR)
            v.role, v.get_value = f"value {j}", (lambda x=value: x)
            d = th.text(f"({signed(diffs[int(j)])})", th.SMALL_SIZE - 2, th.MUTED_COLOR)
            d.role, d.get_value = f"difference {j}", (lambda x=diffs[int(j)]: x)
            rows.add(VGroup(v, d).arrange(RIGHT, buff=0.12))
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        within = th.text(f"each within {bound:g}", th.SMALL_SIZE - 2, th.MUTED_COLOR)
        column = VGroup(head, rows, within).arrange(DOWN, aligned_edge=LEFT, buff=0.14)
        column.next_to(b.plot, RIGHT, buff=0.35)
        board = VGroup(b.plot, label, b.target, *b.rest, b.marker)
        dx = -VGroup(b.plot, column).get_center()[0]
        board.shift(RIGHT * dx)
        column.shift(RIGHT * dx)
        self.say(f"Curve {idx} ({th.TEXT_NAME}) and {len(b.others)} look-alikes ({th.DATA_NAME}).")
        self.play(fade_in(title), fade_in(b.plot, label, b.target, caption), run_time=1.2)
        self.play(Create(b.marker), fade_in(*b.rest, head, rows), run_time=1.5)
        self.say(f"At sample {s}, each is within {bound:g} of curve {idx}'s value;",
                 f"elsewhere they stray up to {b.apart:.2f} from it.")
        self.play(fade_in(within), run_time=0.8)
        self.wait(2)
        self.say(*decimals_verdict(curves[[idx, *b.others], s], s))
        self.wait(2)
        end = VGroup(th.lines("so an encoder filter may lean on single samples: nothing in the data forces "
                              "it to be smooth", th.LABEL_SIZE, th.OUTPUT_COLOR, width=11.5),
                     th.text(f"input noise (std {self.example('input-noise').input_noise:g} on every sample) "
                             "takes that away", th.SMALL_SIZE)).arrange(DOWN, buff=0.15)
        end.next_to(VGroup(b.plot, column), DOWN, buff=0.35)
        self.say("So a filter may lean on single samples:", "nothing in the data forces it to be smooth.",
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
        key = colour_key("encoder filters (dots: their 7 weights):", [f"filter {k + 1}" for k in range(3)])
        key.next_to(caption, DOWN, 0.1)
        found = {v: story.smoothness(self.models[v]) for v in ("plain", "code-noise", "input-noise")}
        b = FilterBoard(plain, smooth, found, title)
        small = th.SMALL_SIZE - 2
        left = relabel(b.true_plot, f"input-noise encoder filters, seed {smooth.seed}: true size", size=small)
        right = relabel(b.shape_plot, "plain encoder filters (no noise): shapes scaled to 1", size=small)
        left.align_to(b.true_plot, LEFT)
        right.shift(LEFT * max(0.0, right.get_right()[0] - 6.1))
        board = VGroup(b.true_plot, left, b.shape_plot, right, *b.true, b.sizes, b.code_sizes, *b.plain,
                       *b.shaped, b.table)
        board.shift(DOWN * (max(left.get_top()[1], right.get_top()[1]) - (key.get_bottom()[1] - 0.2)))
        b.table.next_to(VGroup(b.true_plot, b.sizes, b.code_sizes, b.shape_plot), DOWN, buff=0.2)
        b.table.align_to(b.true_plot, LEFT)
        # the right panel turns from the plain filters to the input-noise ones: its label says so
        right_after = th.text("input-noise encoder filters: shapes scaled to 1", small, th.OUTPUT_COLOR)
        right_after.move_to(right).align_to(right, RIGHT)
        big = found["input-noise"].largest
        self.say(f"Input-noise encoder filters, seed {smooth.seed}, at their true size,",
                 "each in its channel's colour.")
        self.play(fade_in(title), fade_in(caption, key, b.true_plot, left, *b.true), run_time=1.2)
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
        self.play(fade_in(b.shape_plot, right, b.plain), run_time=1)
        self.wait(2.5)
        self.say("Then the input-noise filters, code noise included: smoother.")
        self.play(fade_out(right), run_time=0.4)  # one label at a time: the old one gone first
        self.play(*[ReplacementTransform(b.plain[i], b.shaped[i]) for i in range(3)],
                  fade_in(right_after), run_time=2.1)
        self.wait(1.5)
        js = found["input-noise"].jagged
        self.say("Jaggedness: second-difference energy over the filter's energy.",
                 f"Input noise: {js[0]:.2f}, {js[1]:.3f}, {js[2]:.3f}; "
                 f"random filters {found['plain'].random:.1f}.")
        self.play(fade_in(b.table), run_time=1)
        self.wait(1)
        shown, said = plain_verdict(found["plain"])
        room = 6.1 - b.table[0].get_right()[0] - 0.5
        first = th.lines(shown, th.SMALL_SIZE - 2, th.OUTPUT_COLOR, width=room, buff=0.05)
        for row in first:
            row.align_to(first, LEFT)
        first.next_to(b.table[0], RIGHT, buff=0.5).align_to(b.table[0], UP)
        self.say(*said)
        self.play(fade_in(first), run_time=0.8)
        self.wait(1)
        shown, said = smoothing_verdict(found["code-noise"], found["input-noise"])
        end = th.lines(shown, th.SMALL_SIZE, th.OUTPUT_COLOR, buff=0.06).next_to(b.table, DOWN, buff=0.12)
        end.set_x(0)
        self.say(*said)
        self.play(fade_in(end), run_time=0.8)
        self.wait(3)
        self.payoff()

    # --- 3. why code noise makes encoder filter 1 big and its decoder filter small (C7) ---------------------
    def filter_sizes(self):
        title = th.title("Code noise: a big encoder filter, a small decoder filter")
        ms = self.models["code-noise"]
        noise = np.array(ms[0].code_noise)
        enc, dec = filter_norms(ms)
        found = size_trade(noise, enc, dec, self.channels["code-noise"].spread,
                           filter_norms(self.models["plain"])[0])
        caption = th.text(f"code-noise-only models (no input noise), mean of {len(ms)} seeds; "
                          "a filter's size: its norm", th.SMALL_SIZE).next_to(title, DOWN, 0.12)
        key = colour_key("colours:", [f"filter {k + 1}: c{k + 1}, noise {noise[k]:g}" for k in range(3)])
        key.next_to(caption, DOWN, 0.15)
        chart = LogBars({"encoder": found.encoder, "decoder": found.decoder, "product": found.product},
                        "norm: \u221a of the summed squared weights", group_width=2.1, height=2.7,
                        label=lambda x: f"{x:.2f}")
        for bar in chart.groups:  # recorded as 'size encoder k', 'size decoder k', 'size product k'
            for m in bar.get_family():
                if getattr(m, "role", None):
                    m.role = f"size {m.role}"
        names = VGroup(th.text("encoder: input \u2192 code", th.SMALL_SIZE - 2, th.MUTED_COLOR),
                       th.text("decoder: code \u2192 output", th.SMALL_SIZE - 2, th.MUTED_COLOR),
                       th.text("product: encoder \u00d7 decoder", th.SMALL_SIZE - 2, th.MUTED_COLOR)
                       ).arrange(DOWN, aligned_edge=LEFT, buff=0.06)
        notes = VGroup()
        for line in found.shown[:-1]:
            note = th.lines(line, th.SMALL_SIZE - 2, th.OUTPUT_COLOR, width=4.6, buff=0.05)
            for row in note:
                row.align_to(note, LEFT)
            notes.add(note)
        notes.arrange(DOWN, aligned_edge=LEFT, buff=0.22)
        VGroup(chart, VGroup(names, notes).arrange(DOWN, aligned_edge=LEFT, buff=0.3)).arrange(
            RIGHT, buff=0.5, aligned_edge=UP).next_to(key, DOWN, buff=0.3)
        end = th.lines(found.shown[-1], th.SMALL_SIZE, th.OUTPUT_COLOR, buff=0.06).next_to(
            VGroup(chart, names, notes), DOWN, buff=0.3)
        self.say("Why is encoder filter 1 so big? Code-noise-only models;",
                 "size: each filter's norm, mean of seeds.")
        self.play(fade_in(title), fade_in(caption, key), run_time=1.2)
        self.play(fade_in(chart.frame, chart.groups, chart.ratios, names), run_time=1.2)
        for note, said in zip(notes, found.said[:-1]):
            self.say(*said)
            self.play(fade_in(note), run_time=0.8)
        self.say(*found.said[-1])
        self.play(fade_in(end), run_time=0.8)
        self.wait(1.5)
        self.payoff()

    # --- 4. what tanh does with the large filter's output (C7), a code-noise effect -----------------------
    def tanh_bound(self):
        title = th.title("tanh keeps the big filter's code within 1")
        ck = self.example("input-noise")
        found = story.tanh_bound(ck, self.patches)
        only = story.tanh_bound(self.example("code-noise"), self.patches)
        sub = th.text(f"input-noise model, seed {ck.seed}: encoder filter {found.channel + 1}",
                      th.SMALL_SIZE).next_to(title, DOWN, 0.12)
        b = TanhBoard(found, sub)
        k = found.channel
        marks = VGroup(th.text("dots: every 8th patch (dot product, code)", th.SMALL_SIZE - 2,
                               th.FILTER_COLORS[k]),
                       th.text("ticks on the axis: every 32nd patch", th.SMALL_SIZE - 2, th.FILTER_COLORS[k])
                       ).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
        VGroup(b.notes, marks).arrange(DOWN, aligned_edge=LEFT, buff=0.2).next_to(b.axes, RIGHT, buff=0.8)
        VGroup(b.notes, marks).align_to(b.axes, UP)
        self.say(f"Input-noise model, seed {ck.seed}: filter {k + 1}'s dot products with every patch "
                 f"({th.FILTER_NAMES[k]}),", "across: before tanh; up: the code after it.")
        self.play(fade_in(title, sub, b.axes, b.labels, b.curve, b.identity, b.ceiling), run_time=1.2)
        self.play(fade_in(b.rug, b.dots, marks), run_time=1.2)
        self.wait(2)
        self.say(f"They reach {found.reach:.2f}; tanh keeps the code within {found.code_reach:.2f}.",
                 f"{found.bent:.0%} of patches land where tanh bends (beyond 1).")
        self.play(fade_in(b.notes), run_time=0.8)
        self.wait(2)
        last = marks
        noise = ck.code_noise[k]
        if noise > 0:
            times, cap = found.code_reach / noise, 1 / noise  # reached here; tanh's ceiling over the noise
            self.say(f"So channel {k + 1}'s code moves at most {times:.0f}x its noise std ({noise:g}) here;",
                     f"tanh's ceiling, 1, caps it at {cap:.0f}x however large its filter grows.",
                     "ReLU has no such ceiling.")
            end = VGroup(th.text(f"so channel {k + 1}'s code moves at most {times:.0f}x", th.SMALL_SIZE,
                                 th.OUTPUT_COLOR),
                         th.text(f"its noise std ({noise:g}) here; tanh caps it", th.SMALL_SIZE,
                                 th.OUTPUT_COLOR),
                         th.text(f"at {cap:.0f}x, however large the filter", th.SMALL_SIZE, th.OUTPUT_COLOR)
                         ).arrange(DOWN, aligned_edge=LEFT, buff=0.08)
            end.next_to(marks, DOWN, buff=0.3, aligned_edge=LEFT)
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

    # --- 5. C11: code noise with ReLU instead of tanh, measured --------------------------------------------
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
        chart.groups.add(VGroup(th.text("median of seeds (each seed: right)", th.SMALL_SIZE - 2),
                                th.text("tanh: the code-noise models", th.SMALL_SIZE - 2, th.MUTED_COLOR),
                                colour_key("colours:", ["c1", "c2", "c3"])
                                ).arrange(DOWN, buff=0.08).next_to(chart.axes, DOWN, 0.55))
        grid = VGroup(*tiles[:-1])  # the seeds' tiles, closer in rows, their heading above them
        grid.arrange_in_grid(2, (len(grid) + 1) // 2, buff=(0.3, 0.15), cell_alignment=UP)
        tiles[-1].next_to(grid, UP, 0.25)
        VGroup(chart, tiles).arrange(RIGHT, buff=0.5, aligned_edge=UP).next_to(caption, DOWN, buff=0.2)
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
        self.wait(1)
        cause_shown, cause_said = order_causes(relu)
        self.say(*cause_said)
        self.wait(1)
        self.say("Do the seeds agree? Consistency: the mean cosine of matched filters,",
                 f"identical ones 1: {ra.score:.2f} with ReLU, {ta.score:.2f} with tanh;",
                 "random filters, matched by order only (a sign flip changes a ReLU model): "
                 f"{ra.baseline:.2f}.")
        verdict = VGroup(th.lines(found.shown, th.SMALL_SIZE, th.OUTPUT_COLOR),
                         *([th.lines(cause_shown, th.SMALL_SIZE, th.OUTPUT_COLOR)] if cause_shown else []),
                         th.text(f"consistency {ra.score:.2f} (tanh {ta.score:.2f}; random filters, "
                                 "order only, "
                                 f"{ra.baseline:.2f}); final loss {sci(relu.final_loss)} "
                                 f"(tanh {sci(tanh.final_loss)})",
                                 th.SMALL_SIZE, th.MUTED_COLOR)).arrange(DOWN, buff=0.1)
        verdict.next_to(VGroup(chart, tiles), DOWN, buff=0.15)
        self.play(fade_in(verdict), run_time=0.8)
        self.wait(2)
        self.say(f"It also rebuilds worse: final loss {sci(relu.final_loss)} on average, "
                 f"against {sci(tanh.final_loss)} with tanh.")
        self.wait(4)
        self.payoff()
