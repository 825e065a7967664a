"""scenes.layout, the checks every explainer's frames pass (run after every play, asserted on every
render by conftest.check_render): text height at 720p, the 5% margins and the footer, and no
Transform between mobjects of different structure; and the transparent-render look (a plate behind
text, edges as faint as their curve)."""

import numpy as np
import pytest
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    ReplacementTransform,
    RoundedRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    tempconfig,
)

from scenes import layout, speed
from scenes import pictures as pic
from scenes import theme as th


def test_text_height_is_its_digits_at_720p_whatever_its_scale():
    t = th.text("label", th.SMALL_SIZE - 4)
    assert layout.text_px(t) == pytest.approx(th.text("0123456789", 16).height * 90, rel=1e-6)
    assert 14 <= layout.text_px(t) < 16  # size 16: the smallest the explainers use
    t.scale(0.8)
    assert layout.text_px(t) == pytest.approx(0.8 * layout.text_px(th.text("label", 16)), rel=1e-6)
    n = speed.number(0.25, 2, 16)
    assert layout.text_px(n) == pytest.approx(layout.text_px(th.text("0", 16)), rel=0.05)
    assert layout.text_px(pic.SignalPlot(7, (-1, 1, 0.5), 4, 2)) is None  # a group is not a text
    for text in (th.text("label", 16), th.text("Weighted sum, 0.25", 30).scale(1.7), th.title("A title")):
        assert layout._font_size(text) == text.font_size  # Manim's number, found faster


def test_small_text_is_reported_by_its_words():
    small, fine = th.text("reconstruction", 12), th.text("fine", 16)
    found = layout.problems([VGroup(small, fine).arrange(DOWN)])
    assert len(found) == 1 and "'reconstruction' is 11." in found[0] and "at least 14" in found[0]
    faded = th.text("gone", 12).set_opacity(0)
    assert layout.problems([faded]) == []  # what cannot be seen is not checked


def test_margins_and_footer():
    inside = th.text("inside").move_to([6.4 - 1.0, 0, 0])
    over = th.text("over the edge").move_to([6.4, 0, 0])
    assert layout.problems([inside]) == []
    (p,) = layout.problems([over])
    assert "'over the edge' reaches" in p and "5% margin" in p
    footer = pic.footer(type("Ck", (), {"variant": "plain", "seed": 22, "epochs": 5000, "final_loss": 1e-5}))
    on = th.text("on it").next_to(footer, RIGHT, buff=0.02)  # 2 px from the footer, in the margin
    assert layout.problems([footer, on], footer) == ["'on it' reaches 29 px into the 5% margin",
                                                     "'on it' is on the footer"]
    near = th.text("above it").move_to(footer).align_to([0, -3.6, 0], DOWN)  # at the margin: 6+ px above
    assert layout.problems([footer, near], footer) == []
    assert layout.problems([ValueTracker(1e4)]) == []  # a tracker's points hold its value


def test_morphs_between_different_structures_are_reported():
    plot = pic.SignalPlot(15, (-1, 1, 0.5), 6, 2)
    short = pic.Signal(plot, np.zeros(7), th.OUTPUT_COLOR)
    long, other = (pic.Signal(plot, v, th.OUTPUT_COLOR) for v in (np.zeros(15), np.ones(15)))
    (p,) = layout.morph_problems([ReplacementTransform(short, long)])
    assert p.startswith("ReplacementTransform of Signal") and "into Signal" in p
    assert layout.morph_problems([ReplacementTransform(long, other)]) == []  # point by point


def test_transparent_text_is_drawn_on_a_plate_that_takes_no_room():
    """-t: a plate of the theme's background is drawn behind each text and live number, as opaque as
    its letters, but it is not part of the text: a transparent render is laid out (and checked by
    scenes.layout) exactly as an opaque one. A plate that was part of the text made the decoder's
    stacked lines wrap and grow onto the footer in -t renders only."""
    opaque = th.lines("a column of plated lines that wraps onto more than one line here", width=4)
    with tempconfig({"transparent": True}):
        t = th.text("white text")
        n = speed.number(0.5, 2)
        column = th.lines("a column of plated lines that wraps onto more than one line here", width=4)
        camera = th.PlateCamera()
        t.set_color(th.ACCENT_COLOR)
        shown = camera.get_mobjects_to_display([t, n])
        plates = shown[:2]
        assert all(isinstance(p, RoundedRectangle) for p in plates)  # drawn first: behind the letters
        assert plates[0].get_fill_color().to_hex().lower() == th.OUTLINE_COLOR.lower()
        assert plates[0].width == pytest.approx(t.width + 2 * th.PLATE_BUFF)
        assert plates[0].get_fill_opacity() == pytest.approx(th.PLATE_OPACITY)
        t.set_opacity(0.5)  # fading: the plate fades with its letters
        assert camera.get_mobjects_to_display([t])[0].get_fill_opacity() == pytest.approx(0.4)
        t.set_opacity(0)
        assert not any(isinstance(p, RoundedRectangle) for p in camera.get_mobjects_to_display([t]))
    assert t[0].get_fill_color().to_hex().lower() == th.ACCENT_COLOR.lower()
    assert len(column) == len(opaque) and column.height == pytest.approx(opaque.height)
    assert t.width == pytest.approx(th.text("white text").width)
    assert n.plated and not getattr(th.text("opaque render"), "plated", False)


def test_transparent_edges_are_as_faint_as_their_curve():
    plot = pic.SignalPlot(7, (-1, 1, 0.5), 4, 2)
    with tempconfig({"transparent": True}):
        faint = pic.Signal(plot, np.zeros(7), th.FILTER_COLORS[0], opacity=0.3)
        solid = pic.Signal(plot, np.zeros(7), th.OUTPUT_COLOR)
    assert faint.line.get_stroke_opacity(background=True) == pytest.approx(0.09)
    assert solid.line.get_stroke_opacity(background=True) == pytest.approx(1.0)


def test_the_camera_draws_every_frame_exactly_as_manims():
    """PlateCamera draws with less work (each shape's cairo path kept per shape and points, one walk
    of the tree, nothing painted for a wholly transparent fill or stroke, colours set straight from
    the arrays): every frame must still be Manim's own, the same pixels as its Camera, in the same
    order (z_index, a member shared by two groups), for gradients, background strokes and see-through
    parts; and a shape that moved or changed is drawn where it is now."""
    from manim import Camera, Circle, Line, Square

    mine, manims = th.PlateCamera(), Camera()
    shared = Circle(0.3, color=th.DATA_COLOR, fill_opacity=0.6).shift(LEFT)
    outline = Square(2, fill_opacity=0).set_stroke(th.OUTPUT_COLOR, 4)  # a fill of opacity 0
    gradient = Square(1.2, fill_opacity=0.7).set_fill([th.FILTER_COLORS[0], th.FILTER_COLORS[2]])
    clear_line = Line(LEFT * 3, RIGHT * 3).set_stroke(opacity=0)  # a stroke of opacity 0
    label = th.text("kept paths 0.25").set_stroke(th.OUTLINE_COLOR, 5, background=True)
    on_top = Square(0.7, fill_opacity=0.5, color=th.ACCENT_COLOR).set_z_index(2)
    shapes = [Square(1.5).shift(2 * RIGHT), Circle(0.8), label, VGroup(shared, outline), on_top,
              VGroup(gradient, shared), clear_line, speed.number(-0.42)]
    for step in range(3):
        for cam in (mine, manims):
            cam.reset()
            cam.capture_mobjects(shapes)
        assert np.array_equal(mine.pixel_array, manims.pixel_array), step
        assert mine.pixel_array.any()
        shapes[0].shift(0.5 * DOWN)  # moved: its kept path must not be reused
        shapes[1].stretch(1.3, 0)
        outline.set_fill(opacity=0.3 * step)
        clear_line.set_stroke(opacity=0.5 * step)
    assert len(mine._kept.paths) >= 3


def test_what_the_camera_remembers_is_not_in_manims_cache_key():
    """Manim's cache hashes the camera's attributes at every play. What PlateCamera keeps from
    drawing (cairo paths keyed by ids, plates, Manim's display table made at first use) must not
    enter that hash: kept there, no play was ever taken from the cache, since a play's key differed
    with what had been drawn before it, and in every process."""
    from manim import Circle, Square
    from manim.utils.hashing import get_json

    cam = th.PlateCamera()
    before = get_json(cam)
    cam.capture_mobjects([Square(1.5), Circle(0.8), th.text("kept paths"), speed.number(-0.42)])
    assert cam._kept.paths and get_json(cam) == before == get_json(th.PlateCamera())


def test_the_family_walk_is_manims():
    """scenes.theme.family / family_with_points list what Manim's extract_mobject_family_members
    lists, in its order, on random trees with shared members, cycles and z_index."""
    import random

    from manim.utils.family import extract_mobject_family_members as manims

    rng = random.Random(1)
    for trial in range(200):
        nodes = [VMobject() if rng.random() < 0.6 else VGroup() for _ in range(rng.randint(1, 25))]
        for n in nodes:
            if rng.random() < 0.5:
                n.points = np.zeros((4, 3))
            n.z_index = rng.choice([0, 0, 1, -1])
        for n in nodes:
            n.submobjects.extend(rng.choice(nodes) for _ in range(rng.randint(0, 3)))
        tops = rng.sample(nodes, rng.randint(1, len(nodes)))
        assert th.family(tops) == manims(tops), trial
        for z in (False, True):
            assert th.family_with_points(tops, z) == manims(tops, use_z_index=z, only_those_with_points=True)


def test_text_from_kept_glyphs_is_manims_text():
    """SansText parses each glyph's outline once and places it in each new text as the SVG parser
    places a `<use>` (a new text in about half of Manim's time): every text must still be Manim's
    own Text, the same parts, points (bit for bit: a difference of 1e-15 moved pixels at 1080p),
    colours and size, for new and already-met letters, symbols, sizes, colours and two lines; each
    letter met before is a copy of its first shape with its points made anew, and must hold what
    Manim's own new shape holds, attribute by attribute."""
    from manim import Text

    cases = [("window 3: 0.25 + 0.50", {}), ("window 3: 0.52 − 0.05 (Δ² error)", {}),
             ("kernel 7, stride 4 → 15 samples", {"font_size": 34}),
             ("summed weight × 2", {"color": th.ACCENT_COLOR}), ("two\nlines", {"font_size": 20}),
             ("lines\nwo", {"font_size": 20}),
             ("“quoted” café", {"font_size": 16}), ("window 3: 0.25 + 0.50", {"font_size": 16})]
    for s, kwargs in cases:
        mine = th.SansText(s, **kwargs)
        manims = Text(s, font=th.FONT, **kwargs)
        assert len(mine.submobjects) == len(manims.submobjects) > 0, s
        for a, b in zip(mine.submobjects, manims.submobjects):
            assert a.points.shape == b.points.shape, s
            assert np.array_equal(a.points, b.points), s  # bit for bit: -qh frames must not move
            # and every other attribute (colours, widths, flags), but the SVG path Manim keeps
            theirs = {k: v for k, v in b.__dict__.items() if k != "path_obj"}
            assert set(a.__dict__) == set(theirs), s
            for k, v in theirs.items():
                if isinstance(v, np.ndarray):
                    assert v.dtype == a.__dict__[k].dtype and np.array_equal(v, a.__dict__[k]), (s, k)
                else:
                    assert type(v) is type(a.__dict__[k]) and v == a.__dict__[k], (s, k)
        assert mine.font_size == manims.font_size and mine.text == manims.text
    assert len(th.SansText._glyphs) > 20  # the glyphs were kept, and the later cases used them


def test_lines_break_where_measuring_every_line_would():
    """theme.lines decides whether a word still fits from the words' own widths, measuring the line
    only near the limit: its lines must be the ones measuring every candidate line gives, for the
    scenes' own sentences at their sizes and widths (near the limit too), and the sums it trusts must
    stay well inside its margin."""
    import random
    import re
    from pathlib import Path

    sentences = sorted({s for f in Path(th.__file__).parent.glob("*.py")
                        for s in re.findall(r'"([^"{}\\]{40,})"', f.read_text(encoding="utf-8"))})
    assert len(sentences) > 30
    rng = random.Random(5)
    sizes = [th.SMALL_SIZE - 2, th.SMALL_SIZE, th.LABEL_SIZE, th.TITLE_SIZE]
    for s in rng.sample(sentences, 12):
        size = rng.choice(sizes)
        words = s.split()[:6]  # the sum it trusts away from the limit: a third of its margin at most
        exact = th.SansText(" ".join(words), font_size=size).width
        assert abs(th.estimated_width(words, size) - exact) < th.FIT_MARGIN * size / 3, s
    # measuring every candidate line is slow: four short sentences' lines are compared, one per size
    for s, size in zip(rng.sample([s for s in sentences if 8 <= len(s.split()) <= 14], 4), sizes):
        width = rng.uniform(3.0, 6.0)
        rows: list[str] = []
        for w in s.split():  # the rule, measured at every step
            if rows and th.SansText(f"{rows[-1]} {w}", font_size=size).width <= width:
                rows[-1] = f"{rows[-1]} {w}"
            else:
                rows.append(w)
        assert len(rows) > 1
        assert [t.text for t in th.lines(s, size, width=width)] == [r.replace(" ", "") for r in rows], s


@pytest.mark.render
def test_kept_frames_are_the_frames_manim_draws(tmp_path):
    """scenes.stage.KeptFrameRenderer reuses the static image and the still-wait frame of a stage
    state it has drawn: a scene with waits after waits, the same sweep twice, a see-through shape
    (drawn twice in a still wait by Manim), a change made between plays without an animation, and a
    fade, must come out frame for frame as Manim's own renderer draws it."""
    import av
    from manim import Circle, Dot, Scene, Square
    from manim.renderer.cairo_renderer import CairoRenderer

    from scenes.stage import KeptFrameRenderer

    class Probe(Scene):
        def construct(self):
            veil = Square(3, fill_opacity=0.4, color=th.DATA_COLOR)
            dot = Dot(color=th.OUTPUT_COLOR)
            self.add(veil, th.text("kept"), dot)
            self.wait(0.25)
            self.wait(0.25)  # the same state: both frames reused
            for _ in range(2):  # the same sweep twice: the static image reused
                self.play(dot.animate.shift(RIGHT), run_time=0.25)
                self.play(dot.animate.shift(LEFT), run_time=0.25)
            self.wait(0.25)
            veil.set_fill(opacity=0.7)  # changed without an animation: drawn anew
            self.wait(0.25)
            dot.shift(DOWN)
            self.wait(0.25)
            self.play(speed.fade_out(veil), run_time=0.25)
            self.add(Circle(0.5))
            self.wait(0.25)

    frames = {}
    for name, renderer in (("kept", KeptFrameRenderer), ("manim", CairoRenderer)):
        with tempconfig({"media_dir": str(tmp_path / name), "quality": "low_quality", "frame_rate": 8,
                         "pixel_width": 320, "pixel_height": 180, "disable_caching": True,
                         "progress_bar": "none", "output_file": "Probe"}):
            scene = Probe(renderer=renderer())
            scene.render()
        (movie,) = (tmp_path / name).rglob("Probe.mp4")
        with av.open(str(movie)) as c:
            frames[name] = [f.to_ndarray(format="rgb24") for f in c.decode(video=0)]
    assert len(frames["kept"]) == len(frames["manim"]) > 20
    for i, (a, b) in enumerate(zip(frames["kept"], frames["manim"])):
        assert np.array_equal(a, b), i


def test_a_fade_scales_each_opacity_as_it_was_and_nothing_else():
    """speed.Fade keeps every part's opacities as rows of one array (one multiplication a frame): each
    fill, stroke and background stroke opacity is its start value x the rate function, exactly, colours
    untouched; a part given a new colour array mid-fade is still faded; a copy owns its arrays."""
    from manim import RED, Circle, Line, smooth

    faint = Line(LEFT, RIGHT).set_stroke(opacity=0.3)
    gradient = Circle().set_fill([RED, "#00ff00"], opacity=0.6)
    hidden = Circle().set_fill(opacity=0).set_stroke(opacity=0)
    group = VGroup(th.text("fade", th.LABEL_SIZE, th.TEXT_COLOR), faint, VGroup(gradient, hidden))
    names = speed.Fade.COLOURS
    parts = [m for m in group.get_family() if isinstance(m, VMobject)]
    start = {(id(m), n): getattr(m, n).copy() for m in parts for n in names}
    for fade_in in (False, True):
        for m in parts:  # each direction from the opacities as they were
            for n in names:
                setattr(m, n, start[(id(m), n)].copy())
        fade = speed.Fade(group, fade_in, rate_func=smooth)
        fade.begin()
        for alpha in (0.0, 0.3, 0.77):
            fade.interpolate(alpha)
            k = smooth(alpha) if fade_in else 1 - smooth(alpha)
            for m in parts:
                for n in names:
                    was, now = start[(id(m), n)], getattr(m, n)
                    np.testing.assert_array_equal(now[:, 3], was[:, 3] * k)
                    np.testing.assert_array_equal(now[:, :3], was[:, :3])
        fade.interpolate(1.0)
        if fade_in:  # back as it was
            for m in parts:
                for n in names:
                    np.testing.assert_array_equal(getattr(m, n), start[(id(m), n)])
        else:
            assert not any(getattr(m, n)[:, 3].any() for m in parts for n in names)
    for m in parts:
        for n in names:
            setattr(m, n, start[(id(m), n)].copy())
    fade = speed.Fade(group, False)
    fade.begin()
    gradient.fill_rgbas = gradient.fill_rgbas.copy()  # a new array, as set_fill may give
    fade.interpolate(0.5)
    np.testing.assert_array_equal(gradient.fill_rgbas[:, 3], start[(id(gradient), "fill_rgbas")][:, 3] * 0.5)
    copy = group.copy()
    copy[1].stroke_rgbas[:, 3] = 1.0
    assert faint.stroke_rgbas[0, 3] == 0.3 * 0.5


def test_coords_to_points_is_manims_c2p_as_the_axes_move():
    """speed.coords_to_points keeps each axes' affine map while its axes stay put: after the axes
    are moved, scaled, stretched or re-ranged, every point is what a map made afresh gives, bit for
    bit, and Manim's own c2p's to 1e-12."""
    from manim import Axes

    axes = Axes(x_range=[0, 14, 2], y_range=[-1, 1, 0.5], x_length=6, y_length=3)
    x, y = np.arange(15.0), np.sin(np.arange(15.0))

    def check():
        kept = speed.coords_to_points(axes, x, y)
        speed._maps.clear()
        np.testing.assert_array_equal(kept, speed.coords_to_points(axes, x, y))
        manims = np.array([axes.c2p(a, b) for a, b in zip(x, y)])
        np.testing.assert_allclose(kept, manims, rtol=0, atol=1e-12)
        return kept

    seen = [check()]
    wider = np.array([-2.0, 2, 0.5])
    for change in (lambda: axes.shift(RIGHT * 0.3 + DOWN * 0.1), lambda: axes.scale(0.7),
                   lambda: axes.stretch(1.3, 1), lambda: setattr(axes.y_axis, "x_range", wider)):
        speed.coords_to_points(axes, x, y)  # the map before the change is kept
        change()
        seen.append(check())
        assert not np.array_equal(seen[-1], seen[-2])


def test_the_moving_and_still_parts_are_manims():
    """scenes.stage.Explainer splits the stage into what moves in a play and what stays by one walk:
    the same two lists, in the same order, as Manim's Scene on random stages (groups inside groups,
    shared members, z_index, updaters, foreground members, nested animation groups)."""
    import random

    from manim import AnimationGroup, Circle, FadeIn, Scene, Wait

    from scenes.stage import Explainer

    class Walked(Scene):
        get_moving_and_static_mobjects = Explainer.get_moving_and_static_mobjects
        get_moving_mobjects = Explainer.get_moving_mobjects

    rng = random.Random(3)
    for trial in range(60):
        n = rng.randint(2, 14)
        parts = [Circle(0.1 + 0.01 * k) if rng.random() < 0.7 else VGroup() for k in range(n)]
        for k, m in enumerate(parts):
            m.z_index = rng.choice([0, 0, 0, 1, -1])
            if isinstance(m, VGroup):
                m.add(*rng.sample(parts[k + 1:], min(len(parts) - k - 1, rng.randint(0, 3))))
            if rng.random() < 0.1:
                m.add_updater(lambda _: None)
        tops = rng.sample(parts, rng.randint(1, len(parts)))
        front = rng.sample(parts, rng.randint(0, 2))
        animated = rng.sample(parts, rng.randint(0, 3))
        anims = [FadeIn(m) for m in animated] or [Wait()]
        if len(anims) > 1 and rng.random() < 0.5:
            anims = [AnimationGroup(*anims[:-1], AnimationGroup(anims[-1]))]
        lists = []
        for cls in (Scene, Walked):
            scene = cls()
            scene.add(*tops)
            scene.foreground_mobjects = list(front)
            lists.append(cls.get_moving_and_static_mobjects(scene, anims))
        assert lists[0] == lists[1], trial


@pytest.mark.parametrize("container, codec, pixels", [("mp4", "libx264", "yuv420p"), ("mov", "qtrle", "argb"),
                                                      ("webm", "libvpx-vp9", "yuva420p")])
def test_a_still_converted_once_is_encoded_to_the_same_bytes(tmp_path, container, codec, pixels):
    """A still wait's frame, converted to the codec's pixel format once and encoded n times
    (stage.StillSegmentEncoder), is encoded to the same packets, byte for byte, as by Manim's
    encoder, which converts it n times (a WebM header differs between any two runs: its packets do
    not); single frames go through Manim's own code."""
    from fractions import Fraction

    import av
    from manim._config.video_encoder import VideoEncoderSpec
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    from scenes.stage import StillSegmentEncoder

    spec = VideoEncoderSpec(container_format=container, codec=codec, pixel_format=pixels, width=160,
                            height=96, frame_rate=Fraction(15),
                            options=(("crf", "23"),) if codec == "libx264" else ())
    rng = np.random.default_rng(3)
    frames = [rng.integers(0, 256, (96, 160, 4), dtype=np.uint8) for _ in range(3)]
    frames[1][..., 3] = 255
    made = []
    for kind in (VideoSegmentEncoder, StillSegmentEncoder):
        target = tmp_path / f"{kind.__name__}.{container}"
        enc = kind(target=target, spec=spec)
        for frame, repeat in zip(frames, (1, 7, 3)):
            enc.write_frame(frame, repeat=repeat)
        enc.finish()
        with av.open(str(target)) as f:
            made.append([(p.pts, bytes(p)) for p in f.demux(video=0) if p.size])
    assert len(made[0]) == 11 and made[1] == made[0]
