"""A small explainer built from the shared pieces (theme, pictures, live numbers, captions), for the
tests of what every explainer inherits: themes, transparent and GIF renders, subtitles. Rendering it
costs a second, where a whole explainer costs a minute. Not a test module (pytest does not collect it).
"""

import numpy as np
from manim import DOWN, LEFT, RIGHT, Dot, VGroup, Write

from scenes import pictures as pic
from scenes import speed
from scenes import theme as th
from scenes.speed import Drive, fade_in
from scenes.stage import Explainer


class ProbeScene(Explainer):
    def construct(self):
        self.next_section("draw")
        title = th.title("A probe: every shared piece once")
        plot = pic.SignalPlot(7, (-1.0, 1.0, 0.5), 6.0, 2.4, "a signal", th.FILTER_COLORS[0])
        plot.next_to(title, DOWN, buff=0.5)
        values = np.sin(np.linspace(0, np.pi, 7))
        sig = pic.Signal(plot, values, th.OUTPUT_COLOR, role="signal")
        value = speed.number(0.0, 2, role="value").next_to(plot, DOWN, buff=0.4)
        self.say("A plot, a signal and a number.")
        self.play(Write(title), fade_in(plot, sig, value), run_time=1)

        def move(a):
            sig.set_values((1 - 2 * a) * values)
            value.set_value(a)

        self.say("The signal flips while the number counts.")
        self.play(Drive(VGroup(sig, value), move, run_time=1.5))
        self.wait(1.5)


class TalkScene(Explainer):
    """Two sections, five sentences (one group of two), a play while each is said: for the narration
    tests (tests/test_narration.py), at a second or two a render."""

    def construct(self):
        self.next_section("first")
        title = th.title("Narration")
        dot = Dot(color=th.OUTPUT_COLOR)
        self.say("A dot: it moves while this is said.")
        self.play(Write(title), fade_in(dot), run_time=0.6)
        self.play(dot.animate.shift(2 * RIGHT), run_time=0.8)
        self.say("Two sentences in one go:", "each gets its own subtitle, c1 = +0.50.")
        self.play(dot.animate.shift(4 * LEFT), run_time=0.6)
        self.payoff()
        self.begin("second")
        self.say("A new section starts with its own sentence.")
        self.play(fade_in(th.title("Second")), run_time=0.5)
        self.say("And ends on its payoff.")
        self.payoff()
