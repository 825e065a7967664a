"""A small explainer built from the shared pieces (theme, pictures, live numbers, captions), for the
tests of what every explainer inherits: themes, transparent and GIF renders, subtitles. Rendering it
costs a second, where a whole explainer costs a minute. Not a test module (pytest does not collect it).
"""

import numpy as np
from manim import DOWN, VGroup, Write

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
