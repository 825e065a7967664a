"""`manim -pqh scenes/noise.py`: why noise of a different size per code channel orders the
components, what the article's code really did, and why input noise smooths the encoder.

Article: claims C4-C7, figures F9-F18. Every number is measured at render time on the shipped
models of all variants and seeds (core.analysis); DECONV_SEED picks the model used as example.
The subtitles (NoiseScene.srt beside the video) say the same numbers and choose their sentences
from the same measurements as the screen.
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
    Scene,
    ValueTracker,
    VGroup,
    Write,
    linear,
)

from core import analysis as an
from core import data, weights
from scenes import common as cm

SHOWN_SEEDS = 4  # seeds drawn side by side; scores use all of them
HUES = cm.FILTER_NAMES  # cm.FILTER_COLORS by name, for the subtitles
AGREE = 0.99  # consistency from which the subtitles say the seeds' filters coincide


class NoiseScene(Scene):
    def construct(self):
        self.ck = cm.load_model()  # the example model (its seed picks the examples)
        directory = weights.DEFAULT_DIR
        self.models = {
            v: weights.load_all(directory, v)
            for v in ("plain", "code-noise", "input-noise", "code-noise-article")
        }
        for v, ms in self.models.items():
            if len(ms) < 2:
                cm.fail(
                    f"{directory}: the noise video needs several seeds of '{v}'; "
                    f"train them with: deconv train --variants {v}"
                )
        self.patches = data.make_patches().astype(np.float64)
        self.footer = cm.text(
            "models: the shipped checkpoints, all seeds of each variant", cm.SMALL_SIZE - 4, cm.MUTED_COLOR
        ).to_corner(DOWN + LEFT, buff=0.2)
        self.add(self.footer)
        self.scores = {v: an.consistency([m.dec_w for m in ms]) for v, ms in self.models.items()}
        self.seed_parts: dict[str, dict] = {}  # what each seeds section drew, for the tests
        self.ablations = {v: an.ablation_summary(ms, self.patches) for v, ms in self.models.items()}
        self.captions = cm.Captions(self)
        self.say = self.captions.say

        self.next_section("seeds-disagree")
        self.seeds(
            "plain",
            "Different seeds, different filters",
            "plain models: even with order and sign compensated, the filters differ",
        )
        self.next_section("noise-idea")
        self.noise_idea()
        self.next_section("noise-orders-components")
        self.seeds(
            "code-noise",
            "With code noise, the seeds agree",
            "noise std 0.1, 0.01, 0.001 on channels 1, 2, 3: the same filters every time",
        )
        self.next_section("ablation")
        self.ablation()
        self.next_section("what-the-code-did")
        self.what_the_code_did()
        self.next_section("input-noise")
        self.input_noise()
        self.captions.close()

    def clear_stage(self):
        cm.clear(self, self.footer)

    # --- 1 and 3: filters of several seeds, then order and sign compensated (F9, F10, F12, F13) -------
    def seeds(self, variant: str, heading: str, conclusion: str):
        models = self.models[variant]
        ref = next((m for m in models if m.seed == self.ck.seed), models[0])
        shown = [ref] + [m for m in models if m is not ref][: SHOWN_SEEDS - 1]
        title = cm.title(heading)
        lim = max(np.abs(m.dec_w).max() for m in shown) * 1.1
        plots = VGroup(
            *[
                cm.SignalPlot(
                    7,
                    cm.nice_range(-lim, lim),
                    2.4,
                    1.9,
                    f"{variant}, seed {m.seed}",
                    font_size=cm.SMALL_SIZE - 2,
                )
                for m in shown
            ]
        ).arrange(RIGHT, buff=0.5)
        plots.next_to(title, DOWN, buff=0.9)
        raw = [
            VGroup(
                *[cm.Signal(p, m.dec_w[i], cm.FILTER_COLORS[i], width=3, dot_radius=0.04) for i in range(3)]
            )
            for p, m in zip(plots, shown)
        ]
        note = cm.text("decoder filters as trained: filter 1, 2, 3 of each seed", cm.LABEL_SIZE)
        note.next_to(title, DOWN, 0.15)
        self.say(
            f"Decoder filters of {len(shown)} {variant} models, one per seed: "
            + ", ".join(f"{i + 1} {h}" for i, h in enumerate(HUES))
            + "."
        )
        self.play(Write(title), cm.fade_in(plots, *raw, note), run_time=1.5)
        self.wait(3)
        aligns = [an.match_filters(m.dec_w, ref.dec_w) for m in shown]
        aligned = [
            VGroup(
                *[cm.Signal(p, a.aligned[i], cm.FILTER_COLORS[i], width=3, dot_radius=0.04) for i in range(3)]
            )
            for p, a in zip(plots, aligns)
        ]
        ways = math.factorial(3) * 2**3  # orders times signs of three filters
        note2 = cm.text(
            f"renumber and flip each seed's filters to match seed {ref.seed} (the best of {ways} ways)",
            cm.LABEL_SIZE,
        ).move_to(note)
        # trained filter perm[i] of each seed flies to place i, flipped when signs[i] is -1
        moves = [
            ReplacementTransform(r[a.perm[i]], al[i])
            for r, al, a in zip(raw, aligned, aligns)
            for i in range(3)
        ]
        score, plain = self.scores[variant], self.scores["plain"]
        self.say(f"Each seed's filters are renumbered and flipped to match seed {ref.seed}.")
        self.play(cm.fade_out(note), cm.fade_in(note2), run_time=0.6)
        self.play(*moves, run_time=3)
        self.say("Matched up, they coincide." if score >= AGREE else "Matched up, they still differ.")
        self.wait(2)
        lines = [cm.text(conclusion, cm.LABEL_SIZE, cm.OUTPUT_COLOR)]
        lines.append(
            cm.text(
                f"consistency over all {len(models)} seeds: mean cosine of matched filters "
                f"{score:.3f} (1 = identical)",
                cm.LABEL_SIZE,
            )
        )
        if variant != "plain":
            lines.append(cm.text(f"plain models: {plain:.3f}", cm.LABEL_SIZE, cm.MUTED_COLOR))
        result = VGroup(*lines).arrange(DOWN, buff=0.2).next_to(plots, DOWN, buff=0.6)
        if variant == "plain":
            self.say(
                f"Consistency over all {len(models)} seeds: {score:.3f}, the mean cosine of matched filters.",
                "1 would mean identical filters.",
            )
        else:
            self.say(
                f"Consistency over all {len(models)} seeds: {score:.3f}, where 1 means identical.",
                f"The plain models reach {'only ' if plain < score else ''}{plain:.3f}.",
            )
        self.play(cm.fade_in(result), run_time=1)
        self.wait(4.5)
        self.seed_parts[variant] = {"aligned": aligned, "shown": shown, "ref": ref, "score": score}
        self.clear_stage()

    # --- 2. the noise idea (F11) ------------------------------------------------------------------
    def noise_idea(self):
        ck = self.ck if self.ck.variant == "plain" else self.models["plain"][0]
        codes = ck.encode(self.patches[::32])
        title = cm.title("The idea: shake the code while training")
        ext = np.abs(codes[:, :2]).max(axis=0) * 1.1
        axes = Axes(
            x_range=[-ext[0], ext[0], ext[0]],
            y_range=[-ext[1], ext[1], ext[1]],
            x_length=4.6,
            y_length=4.6,
            tips=False,
            axis_config={"color": cm.MUTED_COLOR, "include_ticks": False},
        )
        labels = VGroup(
            cm.text("c1", cm.SMALL_SIZE, cm.FILTER_COLORS[0]).next_to(axes.x_axis, RIGHT, 0.1),
            cm.text("c2", cm.SMALL_SIZE, cm.FILTER_COLORS[1]).next_to(axes.y_axis, UP, 0.1),
        )
        k = int(np.argmax(np.abs(codes[:, 0]) + np.abs(codes[:, 1])) // 2)  # a point away from 0
        code = codes[k]
        out = ck.decode(code[None])[0]
        sigma = 0.35 * ext.min()
        yr = cm.output_range(
            ck,
            np.array(
                [code + [dx, dy, 0] for dx in (-3 * sigma, 3 * sigma) for dy in (-3 * sigma, 3 * sigma)]
            ),
        )
        plot = cm.SignalPlot(7, yr, 5.6, 3.2, f"decoded: the clean code ({cm.TEXT_NAME}) and the shaken one")
        VGroup(VGroup(axes, labels), plot).arrange(RIGHT, buff=1.2).next_to(title, DOWN, buff=0.8)
        cloud = cm.Dots(cm.coords_to_points(axes, codes[:, 0], codes[:, 1]), 0.02, cm.DATA_COLOR, 0.5)
        center = axes.c2p(code[0], code[1])
        clean = cm.Signal(plot, out, cm.TEXT_COLOR, width=3, dot_radius=0.04)
        shaken = cm.Signal(plot, out, cm.OUTPUT_COLOR, width=5, dot_radius=0.06)
        sx, sy = ValueTracker(sigma), ValueTracker(sigma)
        theta = ValueTracker(0.0)
        unit = axes.c2p(1, 1) - axes.c2p(0, 0)
        ring = Ellipse(width=2 * sigma * unit[0], height=2 * sigma * unit[1], color=cm.ACCENT_COLOR).move_to(
            center
        )
        dot = cm.Dots(np.array([center]), 0.09, cm.OUTPUT_COLOR)

        def update(_):
            t = theta.get_value()
            # a deterministic stand-in for noise: a point circling the code at the noise scale
            d = np.array([sx.get_value() * np.cos(t), sy.get_value() * np.sin(3 * t), 0.0])
            dot.set_positions(np.array([axes.c2p(code[0] + d[0], code[1] + d[1])]))
            shaken.set_values(ck.decode((code + d)[None])[0])
            ring.stretch_to_fit_width(2 * sx.get_value() * unit[0])
            ring.stretch_to_fit_height(2 * sy.get_value() * unit[1])
            ring.move_to(center)

        captions = [
            cm.text(t, cm.LABEL_SIZE, col).next_to(title, DOWN, 0.15)
            for t, col in (
                (f"codes of real patches (plain model, seed {ck.seed})", cm.DATA_COLOR),
                ("noise of the same size in c1 and c2: every direction matters alike", cm.TEXT_COLOR),
                ("more noise in c1 than in c2: c1 can only carry what survives it", cm.ACCENT_COLOR),
            )
        ]
        self.say(f"{cm.DATA_NAME.capitalize()}: codes of real patches, c1 across, c2 up.")
        self.play(Write(title), cm.fade_in(axes, labels, cloud, captions[0]), run_time=1.5)
        self.play(cm.fade_in(plot, clean, shaken, ring, dot), run_time=1)
        live = VGroup(dot, shaken, ring).add_updater(update)
        cm.keep_live_last(self, live)
        self.say(
            f"The {cm.OUTPUT_NAME} dot shakes one code equally in c1 and c2.",
            "Right: the decoded curve wobbles with it.",
        )
        self.play(cm.fade_out(captions[0]), cm.fade_in(captions[1]), run_time=0.6)
        self.play(theta.animate.set_value(4 * np.pi), run_time=5, rate_func=linear)
        self.say(
            "Now more noise in c1 than in c2: the ring stretches along c1.",
            "c1 can only carry what survives the noise.",
        )
        self.play(
            cm.fade_out(captions[1]),
            cm.fade_in(captions[2]),
            sx.animate.set_value(3 * sigma),
            sy.animate.set_value(sigma / 3),
            run_time=1.2,
        )
        self.play(theta.animate.set_value(8 * np.pi), run_time=5, rate_func=linear)
        live.clear_updaters()
        end = cm.text(
            "so training puts the most important feature in the quietest channel",
            cm.LABEL_SIZE,
            cm.OUTPUT_COLOR,
        ).next_to(VGroup(axes, plot), DOWN, buff=0.45)
        self.say("So training puts the most important feature in the quietest channel.")
        self.play(cm.fade_in(end), run_time=0.8)
        self.wait(3.5)
        self.clear_stage()
        self.shaken_models()

    def shaken_models(self):
        """Both trained models shaken by the code-noise training scales: the plain decoder's output
        swings, the code-noise decoder's barely moves (it learnt to ignore what the noise can hide)."""
        title = cm.title("After training: shake both models the same way")
        scales = np.array(self.models["code-noise"][0].code_noise)  # as trained, from the checkpoint
        patch = self.patches[cm.demo_curve()[0]]
        path = np.linspace(0, 2 * np.pi, 241)
        shake = np.stack([np.cos(path), np.sin(2 * path), np.cos(3 * path)], axis=1) * scales
        models = [
            next((m for m in self.models[v] if m.seed == self.ck.seed), self.models[v][0])
            for v in ("plain", "code-noise")
        ]
        outs = []
        for m in models:
            code = m.encode(patch[None])[0]
            outs.append((m.decode(code[None])[0], m.decode(code + shake)))
        lo = min(min(o.min(), s.min()) for o, s in outs)
        hi = max(max(o.max(), s.max()) for o, s in outs)
        plots = VGroup(
            *[
                cm.SignalPlot(7, cm.nice_range(lo - 0.05, hi + 0.05), 5.2, 2.8, f"{m.variant}, seed {m.seed}")
                for m in models
            ]
        )
        plots.arrange(RIGHT, buff=1.0).next_to(title, DOWN, buff=0.9)
        t = ValueTracker(0.0)
        clean = [cm.Signal(p, o, cm.TEXT_COLOR, width=3, dot_radius=0.04) for p, (o, _) in zip(plots, outs)]
        moving = [
            cm.Signal(p, o, cm.OUTPUT_COLOR, width=5, dot_radius=0.06) for p, (o, _) in zip(plots, outs)
        ]
        rms = [float(np.sqrt(np.mean((s - o) ** 2))) for o, s in outs]
        notes = VGroup(
            *[
                cm.text(
                    f"output moves by {r:.3f} (rms)",
                    cm.SMALL_SIZE,
                    cm.ACCENT_COLOR if r == max(rms) else cm.OUTPUT_COLOR,
                ).next_to(p, DOWN, 0.3)
                for p, r in zip(plots, rms)
            ]
        )
        caption = cm.text(
            f"the same code noise for both: std {', '.join(f'{x:g}' for x in scales)} on c1, c2, c3",
            cm.SMALL_SIZE + 2,
        ).next_to(title, DOWN, 0.15)

        def update(_):
            i = t.get_value() * (len(path) - 1)
            k = min(int(i), len(path) - 2)
            for sig, (_, s) in zip(moving, outs):
                sig.set_values(s[k] + (i - k) * (s[k + 1] - s[k]))

        calm, wild = sorted(zip(rms, (m.variant for m in models)))
        ratio = wild[0] / max(calm[0], 1e-12)
        self.say(
            f"Both trained models get the same noise: std {', '.join(f'{x:g}' for x in scales)}.",
            f"The {wild[1]} output swings; the {calm[1]} one barely moves."
            if ratio >= 10
            else f"The {wild[1]} output moves {ratio:.1f}x more than the {calm[1]} one.",
        )
        self.play(Write(title), cm.fade_in(plots, *clean, *moving, caption), run_time=1.2)
        live = VGroup(*moving).add_updater(update)
        cm.keep_live_last(self, live)
        self.play(t.animate.set_value(1.0), run_time=5, rate_func=linear)
        live.clear_updaters()
        self.say(
            f"Output moves by {rms[0]:.3f} (rms) for {models[0].variant}, "
            f"{rms[1]:.3f} for {models[1].variant}."
        )
        self.play(cm.fade_in(notes), run_time=0.8)
        self.wait(3)
        self.shaken_parts = {"rms": rms}
        self.clear_stage()

    # --- 4. ablation (F14, F15, F16) ------------------------------------------------------------------
    def bars(self, variants: list[str], heading: str) -> tuple[VGroup, dict]:
        """Loss increase per zeroed component, mean over seeds, log scale; one group per variant."""
        means = {v: self.ablations[v][0] for v in variants}
        lo = np.floor(np.log10(min(m.min() for m in means.values()))) - 0.3
        hi = np.ceil(np.log10(max(m.max() for m in means.values())))
        axes = Axes(
            x_range=[0, 4 * len(variants), 1],
            y_range=[lo, hi, 1],
            x_length=2.9 * len(variants),
            y_length=3.4,
            tips=False,
            axis_config={"color": cm.MUTED_COLOR, "include_ticks": False},
        )
        ticks = VGroup(
            *[
                cm.text(f"1e{int(e)}", cm.SMALL_SIZE - 2, cm.MUTED_COLOR).next_to(axes.c2p(0, e), LEFT, 0.12)
                for e in range(int(np.ceil(lo)), int(hi) + 1)
            ]
        )
        group, values = VGroup(axes, ticks), {}
        for g, v in enumerate(variants):
            for k in range(3):
                x = 4 * g + 1 + k
                top = axes.c2p(x, np.log10(means[v][k]))
                base = axes.c2p(x, lo)
                bar = Rectangle(
                    width=0.45,
                    height=top[1] - base[1],
                    fill_color=cm.FILTER_COLORS[k],
                    fill_opacity=0.9,
                    stroke_width=0,
                ).move_to((top + base) / 2)
                num = cm.text(f"{means[v][k]:.1e}", cm.SMALL_SIZE - 8).next_to(bar, UP, 0.05)
                group.add(VGroup(bar, num))
                values[(v, k)] = (bar, axes)
            group.add(cm.text(v, cm.SMALL_SIZE).next_to(axes.c2p(4 * g + 2, lo), DOWN, 0.2))
        label = cm.text(heading, cm.SMALL_SIZE).next_to(axes, UP, 0.35)
        group.add(label)
        return group, values

    def ablation(self):
        title = cm.title("Switch one component off: what does it cost?")
        chart, self.bar_values = self.bars(["plain", "code-noise"], "loss increase, one component zeroed")
        legend = VGroup(
            *[cm.text(f"component {k + 1}", cm.SMALL_SIZE, cm.FILTER_COLORS[k]) for k in range(3)]
        )
        legend.arrange(RIGHT, buff=0.4)
        VGroup(chart, legend).arrange(DOWN, buff=0.3).next_to(title, DOWN, buff=0.4).to_edge(LEFT, buff=0.7)
        self.say("Loss increase when one component is zeroed: plain left, code-noise right.")
        self.play(Write(title), cm.fade_in(chart, legend), run_time=1.5)
        self.wait(3)
        # reconstructions of one patch with each component switched off (F15, F16)
        patch = self.patches[cm.demo_curve()[0]]
        grid = VGroup()
        rows = []
        for v in ("code-noise", "plain"):
            ck = next((m for m in self.models[v] if m.seed == self.ck.seed), self.models[v][0])
            codes = np.repeat(ck.encode(patch[None]), 4, axis=0)
            for k in range(3):
                codes[k + 1, k] = 0.0
            rows.append((v, ck.decode(codes)))
        lo = min(patch.min(), *(r[1].min() for r in rows))
        hi = max(patch.max(), *(r[1].max() for r in rows))
        names = ("full", "without 1", "without 2", "without 3")
        for v, _ in rows:
            row = VGroup(
                *[
                    cm.SignalPlot(
                        7,
                        cm.nice_range(lo - 0.05, hi + 0.05),
                        1.2,
                        0.9,
                        f"{v}: {n}" if j == 0 else n,
                        x_numbers=False,
                        y_numbers=False,
                        font_size=cm.SMALL_SIZE - 6,
                    )
                    for j, n in enumerate(names)
                ]
            ).arrange(RIGHT, buff=0.2)
            grid.add(row)
        grid.arrange(DOWN, buff=0.45).next_to(chart, RIGHT, buff=0.5).align_to(chart, UP).shift(DOWN * 0.3)
        sigs = VGroup()
        for row, (_, outs) in zip(grid, rows):
            for plot, o in zip(row, outs):
                sigs.add(
                    cm.Signal(plot, patch, cm.DATA_COLOR, width=8, dot_radius=0, opacity=0.5),
                    cm.Signal(plot, o, cm.OUTPUT_COLOR, width=2.5, dot_radius=0.03),
                )
        self.say(f"Right: one patch ({cm.DATA_NAME}) rebuilt with each component off ({cm.OUTPUT_NAME}).")
        self.play(cm.fade_in(grid, sigs), run_time=1.2)
        self.wait(2.5)
        plain, noisy = self.ablations["plain"][0], self.ablations["code-noise"][0]
        note = (
            VGroup(
                cm.text(
                    f"code-noise: off with the noisiest component (1) costs {noisy[0]:.1e}, "
                    f"with the quietest (3) {noisy[2]:.1e}",
                    cm.SMALL_SIZE,
                    cm.OUTPUT_COLOR,
                ),
                cm.text(
                    f"plain: every component costs about the same, {plain.min():.1e} to {plain.max():.1e}",
                    cm.SMALL_SIZE,
                ),
            )
            .arrange(DOWN, buff=0.1)
            .to_edge(DOWN, buff=0.5)
        )
        self.say(
            f"Code-noise: zeroing the noisiest, 1, costs {noisy[0]:.1e}; the quietest, 3, {noisy[2]:.1e}.",
            f"Plain: all cost about the same, {plain.min():.1e} to {plain.max():.1e}.",
        )
        self.play(cm.fade_in(note), run_time=0.8)
        self.wait(5)
        self.clear_stage()

    # --- 5. what the article's code really did ------------------------------------------------------
    def what_the_code_did(self):
        meant = self.models["code-noise"][0].code_noise  # as trained, from the checkpoints
        did = self.models["code-noise-article"][0].code_noise
        title = cm.title("What the article's code really did")
        code = VGroup(
            *[
                cm.text(s, cm.LABEL_SIZE - 2, cm.TEXT_COLOR, font="DejaVu Sans Mono")
                for s in ("coderand[:, 0 :] *= 0.1", "coderand[:, 1 :] *= 0.01", "coderand[:, 2 :] *= 0.001")
            ]
        )
        code.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        expl = VGroup(
            cm.text("'1 :' means channel 1 and after:", cm.SMALL_SIZE),
            cm.text("the factors multiply up", cm.SMALL_SIZE),
            cm.text("meant:   " + ", ".join(f"{s:g}" for s in meant), cm.SMALL_SIZE, cm.OUTPUT_COLOR),
            cm.text("applied: " + ", ".join(f"{s:g}" for s in did), cm.SMALL_SIZE, cm.ACCENT_COLOR),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        left = VGroup(code, expl).arrange(DOWN, aligned_edge=LEFT, buff=0.4)
        chart, values = self.bars(["code-noise", "code-noise-article"], "loss increase per zeroed component")
        VGroup(left, chart).arrange(RIGHT, buff=0.8).next_to(title, DOWN, buff=0.6)
        self.say("The article's code sets the noise with these three lines.")
        self.play(Write(title), cm.fade_in(code), run_time=1.2)
        self.wait(2)
        self.say(
            f"'1 :' means index 1 and after, so the factors multiply: {', '.join(f'{s:g}' for s in did)}."
        )
        self.play(cm.fade_in(expl), run_time=1)
        self.wait(3)
        self.say("Bars: zeroing costs, meant noise left, applied noise right.")
        self.play(cm.fade_in(chart), run_time=1.2)
        self.wait(2)
        art = np.array([an.ablation(m, self.patches) for m in self.models["code-noise-article"]])
        ordered = int(np.sum(np.all(np.diff(art, axis=1) > 0, axis=1)))
        mean_art, mean_meant = self.ablations["code-noise-article"][0], self.ablations["code-noise"][0]
        ratio_art, ratio_meant = mean_art[2] / mean_art[1], mean_meant[2] / mean_meant[1]
        if ordered < len(art):
            verdict = (
                f"with the applied scales, components 2 and 3 swap places in {len(art) - ordered} "
                f"of {len(art)} seeds, as the article saw"
            )
            said = (
                f"With the applied scales, components 2 and 3 swap in {len(art) - ordered} "
                f"of {len(art)} seeds.",
                "That is what the article saw.",
            )
        else:
            verdict = (
                f"components 2 and 3 end up closer ({ratio_art:.1f}x apart instead of "
                f"{ratio_meant:.1f}x), but keep their order in all {len(art)} seeds"
            )
            said = (
                f"Components 2 and 3 come closer: {ratio_art:.1f}x apart instead of {ratio_meant:.1f}x.",
                f"But they keep their order in all {len(art)} seeds.",
            )
        note = cm.text(verdict, cm.SMALL_SIZE, cm.OUTPUT_COLOR).next_to(VGroup(left, chart), DOWN, buff=0.5)
        self.say(*said)
        self.play(cm.fade_in(note), run_time=0.8)
        self.wait(5)
        self.code_did = {"ordered": ordered, "ratios": (ratio_art, ratio_meant), "verdict": verdict}
        self.clear_stage()

    # --- 6. input noise (F17, F18, C7) ----------------------------------------------------------------
    def input_noise(self):
        curves = data.make_curves()[0]
        idx, curve = cm.demo_curve()
        tol = 0.005  # how close the look-alikes' value at that sample is
        # the sample where curves sharing its value differ most, and 3 of them fanning out (as F17)
        sample, others = an.look_alike_fan(curves, idx, tol=tol, n=3)
        title = cm.title("Input noise: stop reading one sample")
        lo, hi = min(curves[others].min(), curve.min()), max(curves[others].max(), curve.max())
        plot = cm.SignalPlot(
            15,
            cm.nice_range(lo - 0.05, hi + 0.05),
            5.6,
            3.0,
            f"curve {idx} and 3 look-alikes at sample {sample}",
        )
        values = VGroup(
            cm.text(f"sample {sample}:", cm.SMALL_SIZE - 2, cm.ACCENT_COLOR),
            *[
                cm.text(f"{curves[j, sample]:.3f}", cm.SMALL_SIZE - 2, col)
                for j, col in [(idx, cm.TEXT_COLOR)] + [(j, cm.DATA_COLOR) for j in others]
            ],
        ).arrange(DOWN, buff=0.08)
        values.next_to(plot, RIGHT, buff=0.2)
        left = VGroup(plot, values)
        plain = next((m for m in self.models["plain"] if m.seed == self.ck.seed), self.models["plain"][0])
        smooth = next(
            (m for m in self.models["input-noise"] if m.seed == self.ck.seed), self.models["input-noise"][0]
        )
        al = an.match_filters(smooth.enc_w, plain.enc_w)

        def shape(f):  # each filter scaled to its largest value: shapes compare, sizes differ a lot
            return f / np.abs(f).max(axis=1, keepdims=True)

        fplot = cm.SignalPlot(
            7, (-1.0, 1.0, 0.5), 3.6, 3.0, f"encoder filters, seed {plain.seed} (scaled to 1)"
        )
        VGroup(left, fplot).arrange(RIGHT, buff=0.6).next_to(title, DOWN, buff=0.9)
        target = cm.Signal(plot, curve, cm.TEXT_COLOR, width=5, dot_radius=0.05)
        rest = [
            cm.Signal(plot, curves[j], cm.DATA_COLOR, width=2, dot_radius=0.03, opacity=0.8) for j in others
        ]
        marker = DashedLine(
            plot.axes.c2p(sample, plot.axes.y_range[0]),
            plot.axes.c2p(sample, plot.axes.y_range[1]),
            color=cm.ACCENT_COLOR,
        )
        caption = cm.text(
            "the synthetic curves are exact: one sample's value already tells which curve it is",
            cm.SMALL_SIZE,
            cm.TEXT_COLOR,
        ).next_to(title, DOWN, 0.15)
        self.say(f"Curve {idx} ({cm.TEXT_NAME}) and {len(others)} look-alikes ({cm.DATA_NAME}).")
        self.play(Write(title), cm.fade_in(plot, target, caption), run_time=1.2)
        self.play(Create(marker), cm.fade_in(*rest, values), run_time=1.5)
        apart = np.abs(curves[others] - curve).max()  # the look-alikes' largest gap anywhere
        self.say(f"At sample {sample} they agree within {tol:g}; elsewhere they differ by up to {apart:.2f}.")
        self.wait(4)
        r_plain = np.mean([an.roughness(m.enc_w).mean() for m in self.models["plain"]])
        r_smooth = np.mean([an.roughness(m.enc_w).mean() for m in self.models["input-noise"]])
        filt = VGroup(
            *[
                cm.Signal(fplot, shape(plain.enc_w)[i], cm.FILTER_COLORS[i], width=3, dot_radius=0.04)
                for i in range(3)
            ]
        )
        smooth_sigs = VGroup(
            *[
                cm.Signal(fplot, shape(al.aligned)[i], cm.FILTER_COLORS[i], width=3, dot_radius=0.04)
                for i in range(3)
            ]
        )
        rough = VGroup(
            cm.text("plain: roughness", cm.SMALL_SIZE), cm.number(r_plain, 2, cm.SMALL_SIZE, sign=False)
        )
        rough.arrange(RIGHT, buff=0.15).next_to(fplot, DOWN, buff=0.3)
        rough_after = VGroup(
            cm.text("input noise: roughness", cm.SMALL_SIZE),
            cm.number(r_smooth, 2, cm.SMALL_SIZE, cm.OUTPUT_COLOR, sign=False),
        )
        rough_after.arrange(RIGHT, buff=0.15).move_to(rough)
        plain_r, smooth_r = cm.fmt(r_plain, 2, sign=False), cm.fmt(r_smooth, 2, sign=False)  # as cm.number
        self.say(f"The plain encoder's filters, each scaled to 1: roughness {plain_r}.")
        self.play(cm.fade_in(fplot, filt, rough), run_time=1.2)
        self.wait(2.5)
        self.say(
            f"With input noise: roughness {smooth_r}, {'smoother' if r_smooth < r_plain else 'no smoother'}."
        )
        self.play(
            *[ReplacementTransform(filt[i], smooth_sigs[i]) for i in range(3)],
            cm.fade_out(rough),
            cm.fade_in(rough_after),
            run_time=2.5,
        )
        note = cm.text(
            "roughness: how much a filter zigzags (1 = monotone, 2 = one bump; mean of all seeds)",
            cm.SMALL_SIZE - 2,
            cm.MUTED_COLOR,
        ).to_edge(DOWN, buff=0.55)
        self.say("Roughness counts the zigzag: 1 is monotone, 2 one bump; mean of all seeds.")
        self.play(cm.fade_in(note), run_time=0.8)
        self.wait(4)
        self.input_parts = {
            "others": others,
            "sample": sample,
            "index": idx,
            "roughness": (r_plain, r_smooth),
            "smooth": smooth_sigs,
            "aligned": al.aligned,
        }
