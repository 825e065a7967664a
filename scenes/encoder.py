"""`manim -pqh scenes/encoder.py`: from the curve to the code, as dot products, and back.

Article: section 2, claim C3, figures F1, F2, F3, F5, F7, F8. Every curve and number comes from
the dataset and the checkpoint (DECONV_VARIANT / DECONV_SEED; default plain, seed 22).
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Circle,
    Create,
    Line,
    Rectangle,
    ReplacementTransform,
    Scene,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    linear,
    smooth,
)

from core import data
from scenes import common as cm


class EncoderScene(Scene):
    def construct(self):
        self.ck = cm.load_model()
        self.demo_idx, self.demo = cm.demo_curve()
        self.footer = cm.footer(self.ck)
        self.add(self.footer)
        self.cc = cm.Captions(self)

        self.next_section("data")
        self.data_section()
        self.next_section("windows")
        self.windows()
        self.next_section("dot-products")
        self.dot_products()
        self.next_section("round-trip")
        self.round_trip()
        self.cc.done()

    def clear_stage(self):
        cm.clear(self, self.footer)

    # --- 1. data (F1) ----------------------------------------------------------------------------
    def data_section(self):
        title = cm.title("The data: a curve made from two numbers")
        params = data.make_params(18)
        p = [ValueTracker(v) for v in params[0]]
        axes = Axes(x_range=[0, 1, 0.25], y_range=[-1, 1, 0.5], x_length=5.0, y_length=4.0, tips=False,
                    axis_config={"color": cm.MUTED_COLOR, "label_constructor": cm.SansText,
                                 "font_size": cm.SMALL_SIZE},
                    x_axis_config={"numbers_to_include": [0.5, 1],
                                   "decimal_number_config": {"num_decimal_places": 1}},
                    y_axis_config={"numbers_to_include": [-1, 1],
                                   "decimal_number_config": {"num_decimal_places": 0}})
        for n in [*axes.x_axis.numbers, *axes.y_axis.numbers]:
            n.set_color(cm.MUTED_COLOR)
        for n in axes.x_axis.numbers:  # under the plot, clear of the curve
            n.set_y(axes.c2p(0, -1)[1] - 0.25)
        grid = VGroup(*[cm.SignalPlot(15, (-0.8, 0.8, 0.4), 1.8, 1.0, x_numbers=False, y_numbers=False)
                        for _ in range(9)]).arrange_in_grid(3, 3, buff=(0.3, 0.35))
        grid_label = cm.text("nine curves of the dataset", cm.SMALL_SIZE)
        right = VGroup(grid_label, grid).arrange(DOWN, buff=0.2)
        readout = VGroup(*[VGroup(cm.text(f"p{i + 1} =", cm.LABEL_SIZE), cm.number(params[0][i], 2))
                           .arrange(RIGHT, buff=0.2) for i in range(2)]).arrange(RIGHT, buff=0.5)
        left = VGroup(axes, readout).arrange(DOWN, buff=0.25)
        VGroup(left, right).arrange(RIGHT, buff=0.9).next_to(title, DOWN, buff=0.7)

        picks = list(data.resample_indices())
        polygon = VMobject(stroke_color=cm.MUTED_COLOR, stroke_width=2)
        controls = cm.Dots(np.zeros((4, 3)), 0.07, cm.TEXT_COLOR)
        names = [cm.text(s, cm.SMALL_SIZE - 2, cm.MUTED_COLOR) for s in ("(0, 0)", "(0.5, p1)", "(0.5, p2)",
                                                                         "(1, 0)")]
        dense = VMobject(stroke_color=cm.DATA_COLOR, stroke_width=3)
        samples = cm.Dots(np.zeros((15, 3)), 0.06, cm.OUTPUT_COLOR)
        guides = VGroup(*[Line(axes.c2p(x, -1), axes.c2p(x, 1), stroke_color=cm.MUTED_COLOR,
                               stroke_width=1, stroke_opacity=0.5) for x in np.linspace(0, 1, 15)])
        cells = [cm.Signal(g, np.zeros(15), cm.DATA_COLOR, width=2.5, dot_radius=0.025) for g in grid]

        def update_curve(_):
            p1, p2 = p[0].get_value(), p[1].get_value()
            pts = cm.coords_to_points(axes, [0, 0.5, 0.5, 1], [0, p1, p2, 0])
            polygon.set_points_as_corners(pts)
            controls.set_positions(pts)
            for name, pt, side in zip(names, pts, (DOWN + LEFT, LEFT, LEFT, DOWN + RIGHT)):
                name.next_to(pt, side, buff=0.1)
            xs, ys = data.dense_bezier(p1, p2)
            pts = cm.coords_to_points(axes, xs, ys)
            dense.set_points_as_corners(pts)
            samples.set_positions(pts[picks])
            readout[0][1].set_value(p1)
            readout[1][1].set_value(p2)

        morph = ValueTracker(0.0)  # grid: each cell moves from curve k to curve k + 9

        def update_grid(_):
            a = morph.get_value()
            curves = data.curves_from_params((1 - a) * params[:9] + a * params[9:18])
            for cell, c in zip(cells, curves):
                cell.set_values(c)

        update_curve(None)
        update_grid(None)
        captions = [cm.text(t, cm.LABEL_SIZE, col).next_to(title, DOWN, 0.2) for t, col in (
            ("a cubic Bezier curve: four control points, two of them free", cm.TEXT_COLOR),
            ("evaluated at 150 values of t", cm.DATA_COLOR),
            ("keep y at 15 evenly spaced x: a curve is 15 numbers", cm.OUTPUT_COLOR),
            ("but two numbers, p1 and p2, describe it", cm.TEXT_COLOR))]
        live = VGroup(polygon, controls, *names, dense, samples, readout[0][1], readout[1][1])
        cc = self.cc
        cc.say(f"A cubic Bezier with four control points, drawn at {data.DENSE} values of t.")
        self.play(Write(title), cm.fade_in(axes, captions[0]), run_time=1.2)
        self.play(Create(polygon), cm.fade_in(controls, *names, readout), run_time=1.2)
        self.play(Create(dense), cm.fade_out(captions[0]), cm.fade_in(captions[1]), run_time=1.5)
        cc.say(f"Its y at {data.WINSIZE} evenly spaced x is kept: a curve is {data.WINSIZE} numbers.")
        self.play(cm.fade_in(guides), cm.fade_out(captions[1]), cm.fade_in(captions[2]), run_time=1)
        self.play(cm.fade_in(samples), run_time=1)
        self.wait(1)
        live.add_updater(update_curve)
        cm.keep_live_last(self, live)
        p1, p2 = (cm.fmt(v, 2) for v in params[0])  # as the readout shows them
        cc.say("Two numbers make it: p1 and p2, the middle points' heights.",
               "Move them and the curve follows.",
               f"Back to the dataset's first curve: p1 = {p1}, p2 = {p2}.")
        self.play(cm.fade_out(captions[2], guides), cm.fade_in(captions[3]), run_time=0.6)
        self.play(p[0].animate.set_value(0.9), p[1].animate.set_value(-0.6), run_time=2.5)
        self.play(p[0].animate.set_value(-0.7), p[1].animate.set_value(0.8), run_time=2.5)
        self.play(*[t.animate.set_value(v) for t, v in zip(p, params[0])], run_time=2)
        live.clear_updaters()
        cc.say(f"Nine real curves, from a dataset of {data.DATASIZE:,}.",
               "Each morphs into another curve of the dataset and back:",
               "every curve is this shape, with its own p1 and p2.")
        self.play(cm.fade_in(grid_label, grid, *cells), run_time=1)
        grid_live = VGroup(*cells).add_updater(update_grid)
        cm.keep_live_last(self, grid_live)
        self.play(morph.animate.set_value(1.0), run_time=3, rate_func=smooth)
        self.play(morph.animate.set_value(0.0), run_time=3, rate_func=smooth)
        grid_live.clear_updaters()
        self.wait(0.5)
        self.clear_stage()

    # --- 2. windows (F2, F3) ------------------------------------------------------------------------
    def windows(self):
        ck, curve = self.ck, self.demo
        codes = ck.encode_windows(curve)
        title = cm.title("Windows: kernel 7, stride 4")
        plot = cm.SignalPlot(15, cm.nice_range(curve.min() - 0.05, curve.max() + 0.05), 7.6, 2.3,
                             f"dataset curve {self.demo_idx}: 15 samples")
        matrix = cm.CodeMatrix(codes)
        matrix_label = cm.text("the code: a 3 x 3 matrix", cm.SMALL_SIZE).next_to(matrix, UP, 0.25)
        top = VGroup(plot, VGroup(matrix_label, matrix)).arrange(RIGHT, buff=0.7, aligned_edge=DOWN)
        top.next_to(title, DOWN, buff=0.35)
        signal = cm.Signal(plot, curve, cm.DATA_COLOR, width=3, dot_radius=0.06)

        def window_box(start: int) -> Rectangle:
            a, b = plot.axes.c2p(start - 0.4, 0)[0], plot.axes.c2p(start + 6.4, 0)[0]
            top_y, bottom_y = plot.axes.get_top()[1] + 0.05, plot.axes.c2p(0, plot.axes.y_range[0])[1]
            return Rectangle(width=b - a, height=top_y - bottom_y, stroke_color=cm.OUTPUT_COLOR,
                             fill_color=cm.OUTPUT_COLOR, fill_opacity=0.12, stroke_width=3).move_to(
                [(a + b) / 2, (top_y + bottom_y) / 2, 0])

        cc = self.cc
        cc.say(f"Curve {self.demo_idx}: a {data.PATCH}-sample window gives one column of the code.")
        self.play(Write(title), cm.fade_in(plot, signal, matrix_label, matrix.header, matrix.names),
                  run_time=1.2)
        box = window_box(0)
        self.play(Create(box), run_time=0.6)
        for w in range(3):
            if w == 1:
                cc.say(f"Stride {data.STRIDE}: the window moves {data.STRIDE} samples per column.",
                       "Three windows of three numbers: a 3 x 3 code.")
            if w:
                self.play(box.animate.move_to(window_box(4 * w)), run_time=0.8)
            self.play(ReplacementTransform(box.copy(), matrix.column(w)), run_time=0.9)
        self.wait(0.5)

        # F3: one window at a time, the patch autoencoder 7 -> 3 -> 7
        diagram, labels = self.autoencoder_diagram(codes[:, 0])
        VGroup(diagram, labels).next_to(top, DOWN, buff=0.3)
        note = cm.text("each window alone: the patch autoencoder, 7 -> 3 -> 7", cm.LABEL_SIZE,
                       cm.OUTPUT_COLOR).next_to(title, DOWN, 0.12)
        first = ", ".join(cm.fmt(c, 3) for c in codes[:, 0])  # as the diagram shows them
        cc.say(f"One window alone: {data.PATCH} samples in, 3 numbers, {data.PATCH} out:",
               "the small autoencoder the article trains.",
               f"Window 1's numbers: {first}.")
        # the note takes the plot label's place (both sit just under the title)
        self.play(box.animate.move_to(window_box(0)), plot.label.animate.set_opacity(0), cm.fade_in(note),
                  run_time=0.8)
        self.play(cm.fade_in(diagram, labels), run_time=1.5)
        self.wait(3)
        self.windows_parts = {"codes": [[c.get_value() for c in row] for row in matrix.cells], "curve": curve}
        self.clear_stage()

    def autoencoder_diagram(self, code: np.ndarray) -> tuple[VGroup, VGroup]:
        """Nodes: 7 inputs, 3 code numbers (in filter colours), 7 outputs; the code's values and
        the two layers named underneath."""
        xs = (-4.2, 0.0, 4.2)
        ins = [np.array([xs[0], 0.75 - 0.25 * k, 0]) for k in range(7)]
        mids = [np.array([xs[1], 0.4 - 0.4 * i, 0]) for i in range(3)]
        outs = [np.array([xs[2], 0.75 - 0.25 * k, 0]) for k in range(7)]
        edges = VMobject(stroke_color=cm.MUTED_COLOR, stroke_width=1, stroke_opacity=0.6)
        for a, b in [(a, b) for a in ins for b in mids] + [(a, b) for a in mids for b in outs]:
            edges.start_new_path(a)
            edges.add_line_to(b)
        nodes = VGroup(cm.Dots(np.array(ins), 0.08, cm.DATA_COLOR),
                       cm.Dots(np.array(outs), 0.08, cm.OUTPUT_COLOR),
                       *[Circle(radius=0.15, color=cm.FILTER_COLORS[i], fill_opacity=1).move_to(m)
                         for i, m in enumerate(mids)])
        values = cm.code_vector(code, size=cm.SMALL_SIZE).move_to([xs[1], -1.1, 0])
        small = cm.SMALL_SIZE - 3
        labels = VGroup(
            cm.text("7 samples", cm.SMALL_SIZE, cm.DATA_COLOR).move_to([xs[0], -1.1, 0]),
            cm.text("7 samples", cm.SMALL_SIZE, cm.OUTPUT_COLOR).move_to([xs[2], -1.1, 0]),
            VGroup(cm.text("encoder", small), cm.text("Conv1d(1, 3, 7, stride 4) + tanh", small))
            .arrange(DOWN, buff=0.06).move_to([(xs[0] + xs[1]) / 2, 1.3, 0]),
            VGroup(cm.text("decoder", small), cm.text("ConvTranspose1d(3, 1, 7, stride 4)", small))
            .arrange(DOWN, buff=0.06).move_to([(xs[1] + xs[2]) / 2, 1.3, 0]))
        return VGroup(edges, nodes), VGroup(values, labels)

    # --- 3. dot products (F7, C3) ----------------------------------------------------------------------
    def dot_products(self):
        ck = self.ck
        patch = data.make_patches()[self.demo_idx].astype(np.float64)
        products = patch[None, :] * ck.enc_w  # (3, 7): sample by sample
        sums = products.sum(axis=1)
        pre = ck.pre_activations(patch[None])[0]
        code = ck.encode(patch[None])[0]
        title = cm.title("The encoder: three dot products")
        pw, ph = 2.3, 1.2
        patch_plot = cm.SignalPlot(7, cm.nice_range(min(patch.min(), 0), max(patch.max(), 0)), pw, ph,
                                   "a real patch", cm.DATA_COLOR)
        f_range = cm.nice_range(ck.enc_w.min() * 1.1, ck.enc_w.max() * 1.1)
        filt_plots = [cm.SignalPlot(7, f_range, pw, ph, f"encoder filter {i + 1}", cm.FILTER_COLORS[i])
                      for i in range(3)]
        VGroup(patch_plot, *filt_plots).arrange(RIGHT, buff=0.45).next_to(title, DOWN, buff=0.75)
        lim = np.abs(products).max() * 1.1
        prod_plots = [cm.SignalPlot(7, cm.nice_range(-lim, lim), pw, ph, "patch × filter", cm.MUTED_COLOR)
                      for _ in range(3)]
        for pp, fp in zip(prod_plots, filt_plots):
            pp.next_to(fp, DOWN, buff=0.45)

        bars = []
        for i, pp in enumerate(prod_plots):
            group = VGroup()
            for k in range(7):
                base, tip = pp.axes.c2p(k, 0), pp.axes.c2p(k, products[i, k])
                group.add(Rectangle(width=0.18, height=max(abs(tip[1] - base[1]), 1e-3), stroke_width=0,
                                    fill_color=cm.FILTER_COLORS[i], fill_opacity=0.9).move_to(
                    (base + tip) / 2))
            bars.append(group)
        lines = []
        for i, pp in enumerate(prod_plots):
            rows = VGroup(*[VGroup(cm.text(s, cm.SMALL_SIZE), cm.number(0.0, 3, cm.SMALL_SIZE, col))
                            .arrange(RIGHT, buff=0.12) for s, col in (
                                ("sum", cm.TEXT_COLOR), (f"+ bias {cm.fmt(ck.enc_b[i])} =", cm.TEXT_COLOR),
                                ("tanh ->", cm.FILTER_COLORS[i]))])
            rows.arrange(DOWN, aligned_edge=RIGHT, buff=0.12).next_to(pp, DOWN, buff=0.2)
            lines.append(rows)
        steps = VGroup(*[cm.text(s, cm.SMALL_SIZE - 2) for s in (
            "for each filter:", "1. multiply pointwise", "2. add the 7 products",
            "3. add the filter's bias", "4. tanh: the code number")])
        steps.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
        steps.next_to(patch_plot, DOWN, buff=0.55).align_to(patch_plot, LEFT)
        patch_sig = cm.Signal(patch_plot, patch, cm.DATA_COLOR, width=3)
        filt_sigs = [cm.Signal(fp, ck.enc_w[i], cm.FILTER_COLORS[i], width=3)
                     for i, fp in enumerate(filt_plots)]
        code_row = cm.code_vector(code).to_edge(DOWN, buff=0.55)

        cc = self.cc
        cc.say(f"A real patch ({cm.DATA_NAME}) and the encoder's three filters.")
        self.play(Write(title), cm.fade_in(patch_plot, patch_sig, *filt_plots, *filt_sigs), run_time=1.5)
        self.play(cm.fade_in(steps), run_time=0.8)
        for i in range(3):
            cc.say(f"{cm.filter_name(i).capitalize()} times the patch, sample by sample." if i == 0 else
                   f"Now {cm.filter_name(i)}, the same way.")
            grow = ValueTracker(0.0)
            count = ValueTracker(0.0)
            running = lines[i][0][1]
            full_heights = [b.height for b in bars[i]]
            centers = [pp_center for pp_center in (b.get_center() for b in bars[i])]
            bases = [prod_plots[i].axes.c2p(k, 0) for k in range(7)]

            def update_bars(group, i=i, grow=grow, full_heights=full_heights, centers=centers, bases=bases):
                g = max(grow.get_value(), 1e-3)
                for bar, h, c, b in zip(group, full_heights, centers, bases):
                    bar.stretch_to_fit_height(h * g)
                    bar.move_to(b + (c - b) * g)

            def update_sum(num, i=i, count=count):
                k = count.get_value()
                full = int(np.floor(k))
                partial = products[i, :full].sum() + (k - full) * (products[i, full] if full < 7 else 0)
                num.set_value(partial)

            bars[i].add_updater(update_bars)
            self.play(cm.fade_in(prod_plots[i], bars[i]), run_time=0.5)
            self.play(grow.animate.set_value(1.0), run_time=1.2)
            bars[i].clear_updaters()
            self.play(cm.fade_in(lines[i][0]), run_time=0.4)
            running.add_updater(update_sum)
            cm.keep_live_last(self, VGroup(running))
            s, b, c = cm.fmt(sums[i], 3), cm.fmt(ck.enc_b[i], 3), cm.fmt(code[i], 3)  # as shown
            cc.say(f"The running sum ends at {s}; add the bias {b}, then tanh: c{i + 1} = {c}.")
            self.play(count.animate.set_value(7.0), run_time=2.1, rate_func=linear)
            running.clear_updaters()
            running.set_value(sums[i])
            lines[i][1][1].set_value(pre[i])
            lines[i][2][1].set_value(code[i])
            self.play(cm.fade_in(lines[i][1]), run_time=0.6)
            self.play(cm.fade_in(lines[i][2]), run_time=0.6)
        cc.say(f"The code of this patch: {', '.join(cm.fmt(v, 3) for v in code)}.",
               "Three dot products, each plus a bias, through tanh.")
        self.play(cm.fade_in(code_row), run_time=0.8)
        self.wait(2.5)
        self.dot_parts = {"patch": patch, "sums": [r[0][1] for r in lines], "pre": [r[1][1] for r in lines],
                          "codes": [r[2][1] for r in lines], "code_row": code_row[1:], "bars": bars,
                          "prod_plots": prod_plots}
        self.code = code
        self.patch = patch
        self.clear_stage()

    # --- 4. round trip (F8, F5) ----------------------------------------------------------------------
    def round_trip(self):
        ck, code, patch = self.ck, self.code, self.patch
        out = ck.decode(code[None])[0]
        err = out - patch
        title = cm.title("And back: the decoder rebuilds the patch")
        f_range = cm.nice_range(ck.dec_w.min() * 1.1, ck.dec_w.max() * 1.1)
        filt = cm.SignalPlot(7, f_range, 4.2, 2.2, "decoder filters")
        lo = min((code[:, None] * ck.dec_w).min(), out.min(), patch.min())
        hi = max((code[:, None] * ck.dec_w).max(), out.max(), patch.max())
        ws = cm.WeightedSum(ck, code, cm.nice_range(lo - 0.05, hi + 0.05), 6.4, 2.6,
                            "each filter × its code number, and their sum + bias")
        code_row = cm.code_vector(code)
        left = VGroup(code_row, filt).arrange(DOWN, buff=0.5)
        VGroup(left, ws).arrange(RIGHT, buff=0.8).next_to(title, DOWN, buff=0.6)
        filt_sigs = [cm.Signal(filt, ck.dec_w[i], cm.FILTER_COLORS[i], width=3) for i in range(3)]
        target = cm.Signal(ws.plot, patch, cm.DATA_COLOR, width=12, dot_radius=0, opacity=0.55)
        errors = VMobject(stroke_color=cm.ACCENT_COLOR, stroke_width=4)
        for a, b in zip(ws.plot.points_for(patch), ws.plot.points_for(out)):
            errors.start_new_path(a)
            errors.add_line_to(b)
        err_shown = f"mean square error {np.mean(err ** 2):.1e}, largest {np.abs(err).max():.4f}"
        grey, yellow, red = cm.DATA_NAME, cm.OUTPUT_NAME, cm.ACCENT_NAME  # the colours' words, per theme
        err_note = VGroup(cm.text(f"wide {grey}: the patch; {red}: the error (too small to see)",
                                  cm.SMALL_SIZE, cm.TEXT_COLOR),
                          cm.text(err_shown, cm.SMALL_SIZE, cm.ACCENT_COLOR))
        err_note.arrange(DOWN, aligned_edge=LEFT, buff=0.1)
        err_note.next_to(ws, DOWN, buff=0.3).align_to(ws, LEFT)

        cc = self.cc
        cc.say("And back: the decoder's filters, each scaled by its code number.")
        self.play(Write(title), cm.fade_in(code_row, filt, *filt_sigs), run_time=1.2)
        self.play(cm.fade_in(ws.plot), *[ReplacementTransform(filt_sigs[i].copy(), ws.scaled[i])
                                         for i in range(3)], run_time=1.5)
        cc.say(f"Their sum plus bias rebuilds the patch ({yellow}).")
        self.play(ReplacementTransform(ws.scaled.copy(), ws.total), run_time=1.2)
        self.play(cm.fade_in(target), run_time=0.8)
        self.bring_to_back(target)  # under the output, so both show where they coincide
        cc.say(f"Wide {grey}: the original patch. The error is tiny:", f"{err_shown}.")
        self.play(Create(errors), cm.fade_in(err_note), run_time=1)
        self.wait(2)
        self.round_trip_parts = {"ws": ws, "target": target, "output": out}
        self.clear_stage()

        # F5: several patches at once
        title = cm.title("Several patches: label and output")
        patches = data.make_patches()
        idx = np.linspace(0, len(patches) - 1, 6).astype(int)
        chosen = patches[idx].astype(np.float64)
        outs = ck.decode(ck.encode(chosen))
        lo, hi = min(chosen.min(), outs.min()), max(chosen.max(), outs.max())
        plots = VGroup(*[cm.SignalPlot(7, cm.nice_range(lo - 0.05, hi + 0.05), 3.1, 1.6, f"patch {i}")
                         for i in idx]).arrange_in_grid(2, 3, buff=(0.9, 0.55))
        plots.next_to(title, DOWN, buff=0.5)
        sigs = VGroup()
        for plot, x, y in zip(plots, chosen, outs):
            sigs.add(cm.Signal(plot, x, cm.DATA_COLOR, width=12, dot_radius=0, opacity=0.55),
                     cm.Signal(plot, y, cm.OUTPUT_COLOR, width=2.5, dot_radius=0.04))
        mse = float(np.mean((outs - chosen) ** 2))
        mse_shown = f"mean square error {mse:.1e}"
        legend = cm.text(f"wide {grey}: label (the patch)   {yellow}: network output   {mse_shown}",
                         cm.SMALL_SIZE).next_to(plots, DOWN, buff=0.3)
        cc.say(f"Here are {len(idx)} patches: the label in wide {grey}, the output in {yellow}.",
               f"They coincide: {mse_shown}.")
        self.play(Write(title), cm.fade_in(plots, legend), run_time=1.2)
        self.play(cm.fade_in(*sigs), run_time=1.5)
        self.wait(3)
        self.several_parts = {"indices": idx, "signals": sigs}
