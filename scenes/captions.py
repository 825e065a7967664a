"""The explainers' subtitles, written by Manim beside the video as `<Scene>.srt`. The text rules
(sharing a stretch of time, two balanced lines) are core.subtitles'."""

from __future__ import annotations

from core.subtitles import LINE, MIN_SECONDS, Cue, problems, share, two_lines


class Captions:
    """The explainer's subtitles: Manim subcaptions, which the render writes as `<Scene>.srt` beside
    the video.

    They run on the video's clock: `scene.clock` where the scene keeps one (scenes.stage.Explainer
    counts the frames each play writes, whether Manim renders it or takes it from its cache), else
    `scene.time`; so they stay on their animations at any quality or frame rate. `say(*parts)`
    starts cues now that last until the next `say` (or `close()`): the subtitles cover the whole
    video without gaps or overlaps. Several parts share that time one after another, in proportion
    to their length (each at least MIN_SECONDS where the time allows), so a long animation gets a
    few short cues. Callers format any number in a cue from the same variable, the same way, as the
    number on screen.
    """

    LINE, MIN_SECONDS = LINE, MIN_SECONDS  # the reading rules (core.subtitles)

    def __init__(self, scene):
        self.scene = scene
        self.cues: list[tuple[float, float, str]] = []  # (start, end, text) as written, for the tests
        self._open: tuple[float, tuple[str, ...]] | None = None
        self._starts: list[float] | None = None

    def say(self, *parts: str, starts: list[float] | None = None) -> None:
        """Show `parts` one after another from now until the next `say`; empty ones are left out.
        `starts`: when each part begins (with its spoken audio), else they share the time."""
        parts = tuple(p for p in parts if p)
        for p in parts:
            if len(p) > 2 * self.LINE:
                raise ValueError(f"subtitle longer than two lines ({len(p)} characters): {p!r}")
        self.close()
        self._open = (self.now(), parts)
        self._starts = list(starts) if starts is not None else None

    def now(self) -> float:
        return float(getattr(self.scene, "clock", self.scene.time))

    def close(self) -> None:
        """End the cues that are showing, now (at the end of a video)."""
        if self._open is None:
            return
        (start, parts), now = self._open, self.now()
        self._open = None
        if not parts:
            return
        if self._starts is not None:  # each from its audio's start to the next one's, the last to now
            spans = list(zip(self._starts, self._starts[1:] + [max(now, self._starts[-1])]))
        else:
            spans = share(start, now, [len(p) for p in parts], self.MIN_SECONDS)
        origin = getattr(self.scene, "video_start", None)
        if origin is None and self.skipped():
            return  # before the first animation the video shows (-n N,M): not in it
        origin = origin or 0.0
        for (a, b), part in zip(spans, parts):
            a, b = max(a - origin, 0.0), b - origin  # on the video's own clock (-n starts it later)
            a_ms, b_ms = round(a * 1000), round(b * 1000)  # whole milliseconds: neighbours meet exactly
            if b_ms > a_ms:
                text = self.lines(part)
                offset = a_ms / 1000 - float(self.scene.time)  # from Manim's clock, where it adds the cue
                self.scene.add_subcaption(text, duration=(b_ms - a_ms) / 1000, offset=offset)
                self.cues.append((a_ms / 1000, b_ms / 1000, text))

    @staticmethod
    def skipped() -> bool:
        """Whether the render starts later than the first animation (manim -n N,M with N > 0)."""
        from manim import config

        return config.from_animation_number > 0

    @classmethod
    def lines(cls, cue: str) -> str:
        return two_lines(cue, cls.LINE)

    def problems(self) -> list[str]:
        """The cues written so far that break the reading rules (core.subtitles.problems)."""
        return problems([Cue(a, b, text) for a, b, text in self.cues])
