"""The stage every explainer plays on: the theme applied as the scene starts, the footer naming the
model, the narration spoken in step with the picture (scenes.narration) with its subtitles, sections
that end on their payoff and clear the stage as the next one begins, and a record of what each
section showed.

The record (`Explainer.shown`, section -> role -> values) is filled after every play from the
pictures on stage that carry a `role` (scenes.pictures), so it holds the last values each showed
in each section: the tests read the drawn values back from it instead of from attributes set inside
the storyboards.
"""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from fractions import Fraction
from pathlib import Path

import numpy as np
from manim import Animation, AnimationGroup, Mobject, PMobject, Scene, VMobject, Wait, config
from manim.mobject.types.image_mobject import AbstractImageMobject
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter
from manim.scene.video_segment_encoder import VideoSegmentEncoder
from manim.utils.iterables import list_difference_update, list_update

from core import audio
from core.weights import atomic_write_bytes
from scenes import layout, models, narration, speed, theme
from scenes.captions import Captions
from scenes.models import fail

HOLD = 1.2  # seconds each section's payoff stays still, after its last cue has been read
# the footer naming the model shows for this long at the start of each section, then fades: said
# once per section (a clip cut from it still says which model), not on every frame
FOOTER_SECONDS = 6.0


class StillSegmentEncoder(VideoSegmentEncoder):
    """Manim's segment encoder, which converts a still frame written n times (a still wait) to the
    codec's pixel format once, not n times: the encoder is given the same picture (the same bytes
    out), about a third less of its work per repeated frame at 1080p."""

    def write_frame(self, pixels, *, repeat: int = 1) -> None:
        if repeat == 1:
            return super().write_frame(pixels, repeat=repeat)
        import av
        from av.video.reformatter import VideoReformatter

        self._validate_frame(pixels, repeat)
        time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
        try:
            cc = self._stream.codec_context
            frame = av.VideoFrame.from_ndarray(pixels, format="rgba")
            if (frame.format.name, frame.width, frame.height) != (cc.format.name, cc.width, cc.height):
                # what PyAV's encode does to each frame (VideoCodecContext._prepare_frames_for_encode)
                frame = VideoReformatter().reformat(frame, cc.width, cc.height, cc.format,
                                                    threads=cc.thread_count)
            for _ in range(repeat):
                frame.pts, frame.time_base = self._next_pts, time_base
                self._next_pts += 1
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error


class SoundtrackWriter(SceneFileWriter):
    """Manim's file writer, which also puts the narration (`soundtrack`, set as the scene ends) into
    the video and into each section clip, once Manim has written them. The soundtrack runs on the
    video's own frames, so it does not matter which plays Manim took from its cache (Manim drops a
    sound added after a cached play: its issues 4005 and 4751; none is added through Manim here)."""

    soundtrack: np.ndarray | None = None

    def _create_segment_encoder(self, target: Path) -> VideoSegmentEncoder:
        if self.video_encoder is None:
            return super()._create_segment_encoder(target)  # Manim's error
        return StillSegmentEncoder(target=target, spec=self.video_encoder)

    def finish(self) -> None:
        super().finish()
        track = self.soundtrack
        if track is None or not self.output_spec.is_video or self.output_spec.is_gif:
            return
        movie = Path(self.movie_file_path)
        if audio.codec_for(movie) is None:
            return
        track = audio.put_track(movie, track)
        index = self.output_plan.section_index if self.output_spec.save_sections else None
        if index is None or not index.is_file():
            return
        frames = 0
        for entry in json.loads(index.read_text(encoding="utf-8")):
            rate = Fraction(str(entry["avg_frame_rate"]))
            a = round(frames / rate * audio.RATE)
            frames += int(entry["nb_frames"])
            clip = self.sections_output_dir / entry["video"]
            audio.put_track(clip, track[a:round(frames / rate * audio.RATE)])


class KeptFrameRenderer(CairoRenderer):
    """Manim's renderer, which draws the still part of the picture once per play (its static
    image), and the whole picture twice for each still wait, even in plays it skips (a play taken
    from its cache, a dry run), whose frames it does not write: here a skipped play draws nothing,
    and the static image and still-wait frame are kept for the last few
    stage states and reused when a play starts from a state already drawn (a wait after a wait, the
    same sweep again), the same pixels without drawing. A state is every shape drawn, with its
    points, colours, stroke widths and order (`_state`); one that holds anything but plain shapes is
    never kept."""

    KEPT = 4  # stage states kept (two frames each: 8 MB a frame at 1080p)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept: OrderedDict[tuple, list] = OrderedDict()  # state -> [static image, still-wait frame]
        self._state: tuple | None = None
        self._playing = False

    def play(self, scene, *args, **kwargs) -> None:
        self._playing = True
        try:
            super().play(scene, *args, **kwargs)
        finally:
            self._playing, self._state = False, None

    def save_static_frame_data(self, scene, static_mobjects):
        if self.skip_animations:  # a play skipped (taken from the cache, before -n, a still, a dry run):
            self.static_image = self._state = None  # nothing it draws is written, so draw nothing
            return None
        self._state = _state(static_mobjects) if static_mobjects else None
        kept = self._kept.get(self._state) if self._state is not None else None
        if kept is not None:
            self._kept.move_to_end(self._state)
            self.static_image = kept[0]
            return self.static_image
        image = super().save_static_frame_data(scene, static_mobjects)
        if self._state is not None and image is not None:
            self._kept[self._state] = [image, None]
            while len(self._kept) > self.KEPT:
                self._kept.popitem(last=False)
        return image

    def update_frame(self, scene, mobjects=None, include_submobjects=True, ignore_skipping=True, **kwargs):
        """CairoRenderer.update_frame; a still wait's frame (everything drawn over the static image)
        is kept with its state and reused; a skipped play's frames are not drawn (Manim draws them,
        then writes none; a still is drawn anew when the scene ends)."""
        if self._playing and self.skip_animations:
            return
        kept = self._kept.get(self._state) if self._state is not None else None
        still = (self._playing and not mobjects and kept is not None and self.static_image is kept[0]
                 and scene.animations is not None and scene.is_current_animation_frozen_frame())
        if still and kept[1] is not None:
            self.camera.set_frame_to_background(kept[1])
            return
        super().update_frame(scene, mobjects, include_submobjects, ignore_skipping, **kwargs)
        if still:
            kept[1] = self.camera.pixel_array.copy()


def _state(mobjects) -> tuple | None:
    """What the camera draws of these shapes, as a key: each one's identity, points, colours,
    strokes and order; None if any is not a plain shape (an image, a point cloud, a background image)."""
    state = []
    for m in mobjects:
        if not isinstance(m, VMobject):
            if isinstance(m, (PMobject, AbstractImageMobject)):
                return None
            continue  # the camera draws nothing of a plain Mobject (a ValueTracker, a Group)
        if m.get_background_image() is not None:
            return None
        state.append((id(m), m.points.shape, hash(m.points.tobytes()), hash(m.fill_rgbas.tobytes()),
                      hash(m.stroke_rgbas.tobytes()), hash(m.background_stroke_rgbas.tobytes()),
                      m.stroke_width, m.background_stroke_width, m.joint_type, m.cap_style, m.sheen_factor,
                      np.asarray(m.sheen_direction, dtype=float).tobytes(), m.z_index,
                      m.n_points_per_cubic_curve, getattr(m, "plated", False)))
    return tuple(state)


class Explainer(Scene):
    """A Scene with a footer that stays, narration in step with the picture and its subtitles
    (`self.say`), sections that begin on a cleared stage and end on their payoff (`begin`, `payoff`),
    `clear_stage()` and `shown`."""

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
        if "renderer" not in kwargs:  # Manim's renderer, writing files through SoundtrackWriter
            kwargs["renderer"] = KeptFrameRenderer(file_writer_class=SoundtrackWriter,
                                               camera_class=kwargs.get("camera_class", theme.PlateCamera),
                                               skip_animations=kwargs.get("skip_animations", False))
        super().__init__(*args, **kwargs)
        self.narration = narration.Narration(self.choose_voice())
        self.shown: dict[str, dict[str, np.ndarray]] = {}  # section -> role -> values drawn
        self.pictures: dict[str, dict[str, Mobject]] = {}  # section -> role -> the picture
        self.section = ""
        self.clock = 0.0  # seconds of video written so far (see play)
        # what scenes.layout found wrong after any play: "section: problem", each once
        self.layout_problems: list[str] = []
        self.video_start: float | None = None  # the clock at the first play written (-n skips some)

    def writes_video(self) -> bool:
        """Whether this render writes a video that can carry sound (not a still, a GIF or a dry run)."""
        output = self.session_spec.output
        return bool(output.is_video and not output.is_gif and not config.dry_run)

    def choose_voice(self) -> narration.Voice:
        """The voice DECONV_VOICE chooses (scenes.narration), checked before anything is drawn; a still,
        a GIF or a dry run says nothing."""
        if not self.writes_video():
            return narration.Off()
        module = type(self).__module__.rsplit(".", 1)[-1]
        try:
            voice, warning = narration.choose(module, Path(config.media_dir) / "voice")
        except narration.VoiceError as e:
            fail(str(e))
        if warning:
            narration.warn(warning)
        return voice

    def render(self, preview: bool = False):
        """Scene.render; with your own recordings (DECONV_VOICE=recorded), every sentence's recording
        is found and read first, so that missing, changed, unreadable or silent ones stop the render
        before anything is drawn, all named in one line."""
        voice = self.narration.voice
        if isinstance(voice, narration.Recorded):
            voice.check(self.storyboard())
            if problem := voice.report():
                fail(problem)
        return super().render(preview)

    @classmethod
    def storyboard(cls) -> list[narration.Sentence]:
        """Every sentence this explainer says now (with the model the environment chooses), read by
        playing its storyboard through with every animation skipped: nothing is drawn or written."""
        import tempfile

        from manim import tempconfig

        with tempfile.TemporaryDirectory(prefix="deconv-storyboard-") as media, \
                tempconfig({"dry_run": True, "disable_caching": True, "progress_bar": "none",
                            "verbosity": "ERROR", "media_dir": media, "save_sections": False,
                            "from_animation_number": 0, "upto_animation_number": -1}):
            scene = cls(skip_animations=True)
            scene.render()
        return scene.narration.sentences

    def setup(self):
        self.captions = Captions(self)
        self.footer: Mobject | None = None
        self._footer_since = 0.0  # the clock when the footer last came on
        self._footer_alphas: list = []  # its parts' opacities, to put it back as it was
        self._until = 0.0  # when what was said last has been spoken and read

    def say(self, *parts: str) -> None:
        """Say `parts`, one sentence each, from now: each one's audio starts with its subtitle, and
        the plays that follow run while it is spoken. First the scene waits, if it must, until what
        was said before has been spoken and read (scenes.narration.Narration.say). Silent, the
        subtitles share the time until the next `say` (Captions.say) and stay at least READ_RATE
        characters a second and MIN_SECONDS a part."""
        self.let_read()
        parts = tuple(p for p in parts if p)
        starts, self._until = self.narration.say(self.section, list(parts), self.clock)
        self.captions.say(*parts, starts=None if self.narration.voice.silent else starts)
        if self.narration.voice.problems and not self.renderer._original_skipping_status:
            # a recording is missing or unusable: the render will stop; go through the rest of the
            # storyboard without drawing, to name every such recording in one line at the end
            self.renderer._original_skipping_status = self.renderer.skip_animations = True

    def let_read(self) -> None:
        """Wait until what was said last has been spoken and read (whole frames, so never less)."""
        dt = 1 / config.frame_rate
        if self._until - self.clock >= dt:  # at least a frame: Manim's shortest wait
            self.wait(math.ceil((self._until - self.clock) / dt - 1e-6) * dt)

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
        if self.video_start is None and self.renderer.num_plays >= config.from_animation_number:
            self.video_start = self.clock  # the video's first frame (-n N,M starts at play N)
        lone_wait = len(args) == 1 and isinstance(args[0], Wait)  # frozen: one frame, repeated
        if self.footer is not None and self.footer in self.mobjects and not lone_wait \
                and self.clock - self._footer_since >= FOOTER_SECONDS:
            # its few seconds are up: it fades with this play, within the play's own length (never
            # with a still wait, which would then be drawn frame by frame)
            length = kwargs.get("run_time") or min((a.run_time for a in args if isinstance(a, Animation)),
                                                   default=None)
            if length:
                args = (*args, speed.fade_out(self.footer, run_time=min(length, 0.6)))
        super().play(*args, **kwargs)
        self.record()
        self.note(layout.problems(self.mobjects, self.footer))
        dt = 1 / config.frame_rate
        if self.is_current_animation_frozen_frame():  # a still wait: int(duration / dt) frames
            self.clock += int(self.duration / dt) * dt
        else:  # one frame per step of np.arange(0, duration, dt), as Scene.get_time_progression
            self.clock += len(np.arange(0, self.duration, dt)) * dt

    def get_moving_and_static_mobjects(self, animations):
        """Scene.get_moving_and_static_mobjects, the same two lists by one walk of the stage
        (scenes.theme.family) instead of Manim's nested generators, which it runs several times per
        play; in a skipped play, whose frames are not drawn, neither list."""
        if self.renderer.skip_animations:
            return [], []
        z = self.renderer.camera.use_z_index
        on_stage = list_update(self.mobjects, self.foreground_mobjects)
        every = theme.family_with_points(on_stage, z)
        moving = theme.by_z(theme.family(self.get_moving_mobjects(*animations)), z)
        return moving, list_difference_update(every, moving)

    def update_mobjects(self, dt: float) -> None:
        """Scene.update_mobjects: every updater on stage run in Manim's order (a mobject's own, then
        its submobjects', pre-order; nothing under a mobject whose updating is suspended), found by
        one walk with a stack: Manim calls `update` on every member of every family each frame, most
        of them with no updater (about 3% of the decoder's render at -ql, old and new run in turn)."""
        stack = list(reversed(self.mobjects))
        while stack:
            m = stack.pop()
            if type(m).update is not Mobject.update:  # a class with its own update: as Manim calls it
                m.update(dt)
                continue
            if m.updating_suspended:
                continue
            if m.updaters:
                m.update(dt, recursive=False)
            if m.submobjects:  # read after its own updaters ran, as Mobject.update does
                stack.extend(reversed(m.submobjects))

    def get_moving_mobjects(self, *animations):
        """Scene.get_moving_mobjects: every member of the stage from the first that is animated,
        has an updater, is in the foreground or holds one that is (Manim asks that of each member
        again and again; here once)."""
        animated = set()
        stack = list(animations)
        while stack:
            a = stack.pop()
            animated.update(a.mobject.get_family())
            stack.extend(getattr(a, "animations", ()) if isinstance(a, AnimationGroup) else ())
        foreground = set(self.foreground_mobjects)
        members = theme.by_z(theme.family(self.mobjects), self.renderer.camera.use_z_index)
        moving: dict[int, bool] = {}

        def considered(m) -> bool:
            if id(m) not in moving:
                moving[id(m)] = (m in animated or len(m.updaters) > 0 or m in foreground
                                 or any(considered(sub) for sub in m.submobjects))
            return moving[id(m)]

        i = next((i for i, m in enumerate(members) if considered(m)), None)
        return [] if i is None else members[i:]

    def note(self, problems: list[str]) -> None:
        for p in problems:
            if f"{self.section}: {p}" not in self.layout_problems:
                self.layout_problems.append(f"{self.section}: {p}")

    def show_footer(self, footer: Mobject) -> None:
        """Show `footer` (the model's name) for FOOTER_SECONDS from now, and again at the start of
        every section after this one; its place stays kept clear (scenes.layout) all the while."""
        self.footer = footer
        self._footer_alphas = [(m, m.fill_rgbas[:, 3].copy(), m.stroke_rgbas[:, 3].copy(),
                                m.background_stroke_rgbas[:, 3].copy())
                               for m in footer.get_family() if isinstance(m, VMobject)]
        self.add(footer)
        self._footer_since = self.clock

    def footer_again(self) -> None:
        """The footer back on, as it was first shown, from now (a new section)."""
        if self.footer is None:
            return
        for m, fill, stroke, background in self._footer_alphas:
            m.fill_rgbas[:, 3], m.stroke_rgbas[:, 3] = fill, stroke
            m.background_stroke_rgbas[:, 3] = background
        if self.footer not in self.mobjects:
            self.add(self.footer)
        self._footer_since = self.clock

    def next_section(self, name: str = "unnamed", *args, **kwargs) -> None:
        """A new section, once what was said has been spoken and read: no sentence, and no subtitle,
        runs across into the next section's clip."""
        if self.section:
            self.let_read()
            self.captions.close()
        self.record()
        self.section = name
        super().next_section(name, *args, **kwargs)
        self.footer_again()

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
        problem = self.narration.voice.report()
        if problem:
            self.renderer.file_writer.abort_encode_jobs()
            fail(problem)
        start = self.video_start or 0.0
        self.renderer.file_writer.soundtrack = self.narration.soundtrack(start, self.clock - start)
        self.write_model_note()
        self.write_script()
        if self.layout_problems and not config.dry_run:  # the tests fail on these; a user hears of them
            more = f" (and {len(self.layout_problems) - 1} more)" if len(self.layout_problems) > 1 else ""
            narration.warn(f"layout: {self.layout_problems[0]}{more}: text too small, in the 5% margins or "
                           "on the footer in some frames")
        super().tear_down()

    def write_script(self) -> None:
        """Beside the video, `<Scene>.narration.json`: the voice, and each sentence said (its id,
        section, subtitle, spoken form, start on the video's clock and length of its audio)."""
        video = self.video_path()
        if video is None:
            return
        start = self.video_start or 0.0
        rows = [dict(s.row(), start=round(s.start - start, 4), seconds=round(s.seconds, 4))
                for s in self.narration.sentences]
        note = {"voice": self.narration.voice.name, "sentences": rows}
        atomic_write_bytes(video.with_suffix(".narration.json"),
                           (json.dumps(note, ensure_ascii=False, indent=1) + "\n").encode())

    def video_path(self) -> Path | None:
        if config.dry_run:
            return None
        try:
            return Path(self.renderer.file_writer.movie_file_path)
        except (AttributeError, TypeError):  # -s (a still) or --dry_run: no video
            return None

    def write_model_note(self) -> None:
        """Beside the video, `<Scene>.model.json`: which model (variant, seed, checkpoint folder) and
        theme it shows, so that `deconv index` can say so (renders of other models share its name)."""
        video = self.video_path()
        if video is None:
            return
        variant, seed = models.model_choice()
        note = {"variant": variant, "seed": seed, "checkpoints": str(models.checkpoint_dir()),
                "shipped": models.shipped(), "theme": theme.PALETTE.name}
        atomic_write_bytes(video.with_suffix(".model.json"), (json.dumps(note) + "\n").encode())
