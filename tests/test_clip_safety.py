"""`deconv clip` writes only what it made: a user's file in the way is named and left alone (replaced
only with --force) while its own unchanged files are replaced freely; a set of stills is replaced whole
or not at all; a GIF is written as the video is decoded, in memory that does not grow with its length;
a video whose frames are hours apart is one line, not a traceback. (`deconv figures`' share of the
same rule is in tests/test_figures_cli.py.)
"""

import io
import subprocess
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from conftest import ROOT, assert_usage_error, deconv, deconv_here, write_video
from PIL import Image

from core import clip

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("safety") / "intro.mp4")  # 30 frames, 2 s


def _files(folder: Path) -> dict[str, bytes]:
    """Every file in the folder (hidden ones too) and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# --- whose file is it ------------------------------------------------------------------------------
def test_stills_never_remove_or_replace_the_users_own(video, tmp_path, capsys):
    """The tester's case: `touch t/intro_0{1..7}.png; deconv clip intro.mp4 --stills 1 --out t` left one
    file of seven. Now it names the one in the way and writes nothing; with --force it replaces that one
    and still removes none of the other six (they are the user's)."""
    out = tmp_path / "t"
    out.mkdir()
    mine = {f"intro_{k:02d}.png": b"mine %d" % k for k in range(1, 8)}
    for name, data in mine.items():
        (out / name).write_bytes(data)
    res = deconv_here(capsys, "clip", video, "--stills", 1, "--out", out)
    assert_usage_error(res, "intro_01.png not written by deconv clip", "move it away", "--force")
    assert _files(out) == mine
    assert deconv_here(capsys, "clip", video, "--stills", 1, "--out", out, "--force").returncode == 0
    now = {p.name: p.read_bytes() for p in out.glob("*.png")}
    assert sorted(now) == sorted(mine) and now["intro_01.png"].startswith(PNG)
    assert {n: d for n, d in now.items() if n != "intro_01.png"} == {n: d for n, d in mine.items()
                                                                     if n != "intro_01.png"}


def test_a_rerun_replaces_its_own_stills_and_removes_only_its_own_extra_ones(video, tmp_path, capsys):
    """6 stills, then 3: the three are replaced without --force (re-running is normal), the extra ones
    this tool wrote are removed, but one the user edited since stays, as edited."""
    out = tmp_path / "st"
    assert deconv_here(capsys, "clip", video, "--stills", 6, "--out", out).returncode == 0
    (out / "intro_05.png").write_bytes(b"edited")
    res = deconv_here(capsys, "clip", video, "--stills", 3, "--out", out, "--width", 160)
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in out.glob("*.png")) == ["intro_01.png", "intro_02.png", "intro_03.png",
                                                         "intro_05.png"]
    assert (out / "intro_05.png").read_bytes() == b"edited"
    assert Image.open(out / "intro_02.png").size == (160, 90)  # the new ones are there


def test_a_gif_it_did_not_write_is_not_replaced(video, tmp_path, capsys):
    gif = tmp_path / "intro.gif"
    gif.write_bytes(b"GIF89a, drawn by hand")
    args = ("clip", video, "--gif", "--out", gif, "--width", 64, "--no-progress")
    assert_usage_error(deconv_here(capsys, *args), "intro.gif not written by deconv clip", "--force")
    assert gif.read_bytes() == b"GIF89a, drawn by hand"
    assert deconv_here(capsys, *args, "--force").returncode == 0
    assert Image.open(gif).n_frames > 1
    assert deconv_here(capsys, *args, "--fps", 10).returncode == 0  # its own: again, without --force
    assert Image.open(gif).info["duration"] == 100


def test_nothing_is_written_when_the_stills_would_be_refused(tmp_path, capsys):
    """--gif and --stills together, beside the video: a user's still in the way stops the run before the
    GIF is written, not after."""
    video = write_video(tmp_path / "intro.mp4", n=15)
    (tmp_path / "intro_stills").mkdir()
    (tmp_path / "intro_stills" / "intro_02.png").write_bytes(b"mine")
    res = deconv_here(capsys, "clip", video, "--gif", "--stills", 2, "--no-progress")
    assert_usage_error(res, "intro_02.png not written by deconv clip")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["intro.mp4", "intro_stills"]
    assert _files(tmp_path / "intro_stills") == {"intro_02.png": b"mine"}


def test_a_captioned_copy_it_did_not_write_is_not_replaced(tmp_path, capsys):
    video = write_video(tmp_path / "v.mp4", n=15)
    (tmp_path / "v.srt").write_text("1\n00:00:00,200 --> 00:00:00,800\nHello.\n")
    copy = tmp_path / "v.captioned.mp4"
    copy.write_bytes(b"my own cut")
    args = ("clip", video, "--burn-captions", "--no-progress")
    assert_usage_error(deconv_here(capsys, *args), "v.captioned.mp4 not written by deconv clip", "--force")
    assert copy.read_bytes() == b"my own cut"
    assert deconv_here(capsys, *args, "--force").returncode == 0
    assert clip.probe(copy).frames == 15
    assert deconv_here(capsys, *args).returncode == 0  # its own, unchanged: again without --force


# --- a set of stills, whole or not at all -----------------------------------------------------------
def test_a_full_disk_midway_leaves_the_old_stills_as_they_were(video, tmp_path, capsys):
    """No space left on the third of five new stills: one line, and the four stills that were there
    (and their record) as they were, byte for byte; no staging folder left behind."""
    out = tmp_path / "st"
    assert deconv_here(capsys, "clip", video, "--stills", 4, "--out", out).returncode == 0
    before = _files(out)  # the four stills, the record of them, the folder's lock file
    assert sorted(before)[-4:] == ["intro_01.png", "intro_02.png", "intro_03.png", "intro_04.png"]
    full_on_the_third = """
import errno
from core import clip
real, tries = clip._save_png, []
def _save_png(picture, path):
    tries.append(path)
    if len(tries) == 3:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))
    real(picture, path)
clip._save_png = _save_png
"""
    res = deconv("clip", video, "--stills", 5, "--width", 160, "--out", out, prelude=full_on_the_third)
    assert_usage_error(res, "no space left on the device writing", "intro_03.png")
    assert _files(out) == before  # byte for byte, record included
    assert [p for p in out.iterdir() if p.is_dir()] == []  # no staging folder left behind


# --- a long GIF in bounded memory -------------------------------------------------------------------
PEAK = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from core import clip

    r = clip.write_gif(clip.probe(Path(sys.argv[1])), Path(sys.argv[2]), fps=15, width=320)
    # the process's peak resident memory, in bytes (ru_maxrss is KiB on Linux, bytes on macOS)
    unit = 1 if sys.platform == "darwin" else 1024
    print(r["frames"], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit)
""")


def _gif_peak(video: Path, out: Path) -> tuple[int, int]:
    """(frames, peak resident bytes) of a fresh process that writes the video's GIF."""
    res = subprocess.run([sys.executable, "-c", PEAK, video, out], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    frames, peak = map(int, res.stdout.split())
    return frames, peak


def test_a_long_gif_is_written_in_memory_that_does_not_grow_with_its_length(tmp_path):
    """The GIF of a 5:40 720p video took more than 4 GB: every frame was kept until the end. Now a
    600-frame clip's GIF takes no more memory than a 100-frame one's: the peak grows by far less than
    the 500 extra frames' pictures (28.8 MB as palette indices; keeping them measured +56 MB, writing
    them as they come measures within 0.3 MB)."""
    short, long = (write_video(tmp_path / f"{k}.mp4", n, colour=(40, 40, 40))  # a square on flat ground
                   for k, n in (("s", 100), ("l", 600)))
    (n_short, peak_short), (n_long, peak_long) = (_gif_peak(v, tmp_path / "o.gif") for v in (short, long))
    assert (n_short, n_long) == (100, 600)
    extra = (600 - 100) * 320 * 180  # bytes of the extra frames' palette-indexed pictures
    assert peak_long - peak_short < extra / 4, f"peak memory grew {(peak_long - peak_short) / 1e6:.1f} MB"
    im = Image.open(tmp_path / "o.gif")
    assert im.n_frames == 600 and im.info["loop"] == 0


def test_a_frame_held_longer_than_a_gif_delay_is_carried_by_empty_frames():
    """A GIF delay is at most 655.35 s: a frame shown longer (a still section of a long video, merged
    into one frame) is followed by 1x1 transparent frames that carry the rest; the GIF keeps its length
    and its picture."""
    buf = io.BytesIO()
    gif = clip.GifStream(buf, (8, 4), bytes([0, 0, 0, 255, 0, 0]))
    a = np.zeros((4, 8), np.uint8)
    b = a.copy()
    b[1, 2:4] = 1
    gif.add(a, 0)
    gif.add(a, 100)  # the same picture: merged into the first frame
    gif.add(b, 200)
    gif.close(200_000)  # b shown for 1998 s
    im = Image.open(io.BytesIO(buf.getvalue()))
    shown = []
    for k in range(im.n_frames):
        im.seek(k)
        shown.append((im.info["duration"], np.asarray(im.convert("RGB"))[1, :5, 0].tolist()))
    assert shown == [(2000, [0, 0, 0, 0, 0])] + [(655350, [0, 0, 255, 255, 0])] * 3 + \
        [(1998000 - 3 * 655350, [0, 0, 255, 255, 0])]


# --- a video whose frames are hours apart -----------------------------------------------------------
def _hours_apart(path: Path, hours: float = 10) -> Path:
    """Two frames `hours` apart: the container says the video lasts that long (20 h for two frames),
    and the frame rate it gives is 1 / (10 h)."""
    tb = Fraction(1, 15)
    with av.open(str(path), "w") as out:
        s = out.add_stream("libx264", rate=15)
        s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
        s.codec_context.time_base = tb
        for k, pts in enumerate((0, round(15 * 3600 * hours))):
            f = av.VideoFrame.from_ndarray(np.full((48, 64, 3), 100 * k, np.uint8), format="rgb24")
            f.pts, f.time_base = pts, tb
            for p in s.encode(f):
                out.mux(p)
        for p in s.encode():
            out.mux(p)
    return path


def test_a_video_of_frames_hours_apart_is_one_line_not_a_traceback(tmp_path, capsys):
    """It made the GIF writer fail with OverflowError (a delay of 3.6 million hundredths of a second in
    a 16-bit field). Now one line before anything is written; its stills still work."""
    video = _hours_apart(tmp_path / "long.mp4")
    info = clip.probe(video)
    assert (info.frames, round(1 / info.fps)) == (2, 36000)
    res = deconv_here(capsys, "clip", video, "--gif", "--no-progress")
    assert_usage_error(res, "long.mp4: its frame rate is 2.78e-05 fps (one frame every 10.0 hours)",
                       "at most 655 s", "--stills N")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.mp4"]
    assert deconv_here(capsys, "clip", video, "--stills", 2).returncode == 0
    assert len(list((tmp_path / "long_stills").glob("long_0?.png"))) == 2


def test_a_folder_where_a_still_goes_changes_nothing_even_with_force(video, tmp_path, capsys):
    """--force with a folder named like the third still: the first two used to be replaced before the
    rename failed, and the next run refused them as not its own. Now nothing moves, and the folder is
    named in one line."""
    out = tmp_path / "f"
    assert deconv_here(capsys, "clip", video, "--stills", 3, "--out", out).returncode == 0
    before = _files(out)
    (out / "intro_03.png").unlink()
    (out / "intro_03.png").mkdir()
    before = {n: d for n, d in before.items() if n not in ("intro_03.png", ".deconv.lock")}
    res = deconv_here(capsys, "clip", video, "--stills", 3, "--out", out, "--width", 64, "--force")
    assert_usage_error(res, "intro_03.png", "is a folder")
    assert {n: d for n, d in _files(out).items() if n != ".deconv.lock"} == before
    (out / "intro_03.png").rmdir()
    assert deconv_here(capsys, "clip", video, "--stills", 3, "--out", out, "--width", 64).returncode == 0
