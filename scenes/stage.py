"""The stage every explainer plays on: the theme applied as the scene starts, the footer naming the
model, the subtitles at reading pace, sections that end on their payoff and clear the stage as the
next one begins, and a record of what each section showed.

The record (`Explainer.shown`, section -> role -> values) is filled after every play from the
pictures on stage that carry a `role` (scenes.pictures), so it holds the last values each showed
in each section: the tests read the drawn values back from it instead of from attributes set inside
the storyboards.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from manim import Mobject, Scene, config

from core.subtitles import MIN_SECONDS, READ_RATE
from core.weights import atomic_write_bytes
from scenes import layout, models, speed, theme
from scenes.captions import Captions
from scenes.models import fail

HOLD = 1.2  # seconds each section's payoff stays still, after its last cue has been read


class Explainer(Scene):
    """A Scene with a footer that stays, subtitles at reading pace (`self.say`), sections that begin
    on a cleared stage and end on their payoff (`begin`, `payoff`), `clear_stage()` and `shown`."""

    def __init__(self, *args, **kwargs):
        if getattr(config.renderer, "value", config.renderer) != "cairo":  # live numbers, Dots, fades
            fail(f"--renderer={getattr(config.renderer, 'value', config.renderer)}: the explainers draw with "
                 "Manim's default renderer only; run without --renderer (or with --renderer=cairo)")
        if config.save_sections and (config.from_animation_number > 0
                                     or config.upto_animation_number != float("inf")):
            # Manim 0.22 renders the range, then fails to combine its sections (no clips, no .srt)
            fail("-n with --save_sections: Manim cannot cut sections out of part of a video; render the "
                 "whole video with --save_sections (each section is then its own clip), or drop "
                 "--save_sections to render that range of animations")
        theme.apply()  # before Manim makes its camera, which takes the background colour
        super().__init__(*args, **kwargs)
        self.shown: dict[str, dict[str, np.ndarray]] = {}  # section -> role -> values drawn
        self.pictures: dict[str, dict[str, Mobject]] = {}  # section -> role -> the picture
        self.section = ""
        self.clock = 0.0  # seconds of video written so far (see play)
        # what scenes.layout found wrong after any play: "section: problem", each once
        self.layout_problems: list[str] = []

    def setup(self):
        self.captions = Captions(self)
        self.footer: Mobject | None = None
        self._cue: tuple[float, tuple[str, ...]] = (0.0, ())

    def say(self, *parts: str) -> None:
        """Subtitles from now to the next `say` (Captions.say), each shown long enough to read: first
        the scene waits, if it must, until the cue before has had READ_RATE characters a second and
        MIN_SECONDS a part."""
        self.let_read()
        self.captions.say(*parts)
        self._cue = (self.clock, tuple(p for p in parts if p))

    def let_read(self) -> None:
        """Wait until the cue showing has been on screen long enough to read."""
        start, parts = self._cue
        need = max(sum(len(p) for p in parts) / READ_RATE, MIN_SECONDS * len(parts)) if parts else 0.0
        if start + need - self.clock >= 1 / config.frame_rate:  # at least a frame: Manim's shortest wait
            self.wait(start + need - self.clock)

    def payoff(self) -> None:
        """End a section on its result: the last cue read, then the picture held still (HOLD)."""
        self.let_read()
        self.wait(HOLD)

    def begin(self, name: str) -> None:
        """Start section `name`, clearing what the last section left on stage (it ended on its
        payoff), so that each section clip starts clean and ends on its result."""
        self.next_section(name)
        if any(m is not self.footer for m in self.mobjects):
            self.clear_stage()

    def play(self, *args, **kwargs) -> None:
        """Scene.play, and the video clock advanced by the frames it writes. Manim's own clock
        (`self.time`) moves by whole frames when it renders a play but by the exact run time when it
        takes the play from its cache; the subtitles need the first, whichever happened. The play's
        Transforms, and what is on stage after it, are checked (scenes.layout; `layout_problems`)."""
        self.note(layout.morph_problems(a for a in args if not isinstance(a, Mobject)))
        super().play(*args, **kwargs)
        self.record()
        self.note(layout.problems(self.mobjects, self.footer))
        dt = 1 / config.frame_rate
        if self.is_current_animation_frozen_frame():  # a still wait: int(duration / dt) frames
            self.clock += int(self.duration / dt) * dt
        else:  # one frame per step of np.arange(0, duration, dt), as Scene.get_time_progression
            self.clock += len(np.arange(0, self.duration, dt)) * dt

    def note(self, problems: list[str]) -> None:
        for p in problems:
            if f"{self.section}: {p}" not in self.layout_problems:
                self.layout_problems.append(f"{self.section}: {p}")

    def show_footer(self, footer: Mobject) -> None:
        self.footer = footer
        self.add(footer)

    def next_section(self, name: str = "unnamed", *args, **kwargs) -> None:
        self.record()
        self.section = name
        super().next_section(name, *args, **kwargs)

    def record(self) -> None:
        """Note what every picture with a role on stage shows now, under the current section: its
        drawn values (`drawn_values()`, `drawn_value()` or `get_value()`) in `shown`, the picture
        itself in `pictures`."""
        if not self.section:
            return
        values = self.shown.setdefault(self.section, {})
        pictures = self.pictures.setdefault(self.section, {})
        for top in self.mobjects:
            for m in top.get_family():
                role = getattr(m, "role", None)
                if role is not None:
                    read = getattr(m, "drawn_values", None) or getattr(m, "drawn_value", None) or m.get_value
                    values[role], pictures[role] = np.asarray(read(), dtype=float), m

    def clear_stage(self) -> None:
        """Fade out everything but the footer."""
        speed.clear(self, *([self.footer] if self.footer is not None else []))

    def tear_down(self):
        self.record()
        self.captions.close()
        self.write_model_note()
        super().tear_down()

    def write_model_note(self) -> None:
        """Beside the video, `<Scene>.model.json`: which model (variant, seed, checkpoint folder) and
        theme it shows, so that `deconv index` can say so (renders of other models share its name)."""
        if config.dry_run:
            return
        try:
            video = Path(self.renderer.file_writer.movie_file_path)
        except (AttributeError, TypeError):  # -s (a still) or --dry_run: no video
            return
        variant, seed = models.model_choice()
        note = {"variant": variant, "seed": seed, "checkpoints": str(models.checkpoint_dir()),
                "shipped": models.shipped(), "theme": theme.PALETTE.name}
        atomic_write_bytes(video.with_suffix(".model.json"), (json.dumps(note) + "\n").encode())
