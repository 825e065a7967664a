"""`deconv slides` when two run at once, when a staging folder is in use, when a clip's name holds
XML's special characters, and the records slides and narration keep of what they wrote (issue 25).
Decks of small real H.264 renders made for the test (conftest.fake_render), as tests/test_slides.py."""

import json
import subprocess
import sys
import threading
from pathlib import Path

import conftest
import pytest
from conftest import FPS, ROOT, assert_usage_error, deconv_here

from core import files, narration, slides

SECTIONS = ["weighted-sum", "stride"]
CUES = [(0.0, 0.9, "A weighted sum."), (1.0, 1.9, "Stride 4.")]


def render(media, module="decoder", sections=SECTIONS, **kw):
    return conftest.fake_render(media, module, sections, "480p15", CUES, frames=FPS, theme="dark", **kw)


def _deck_files(out):
    return sorted(p.name for p in out.iterdir() if p.is_file() and p.name != files.LOCK)


def _consistent(out, names):
    """Every deck file there, each as the record says it was written; no staging folder left."""
    record = files.Record(out, "slides").read()
    assert _deck_files(out) == sorted([*names, slides.RECORD])
    assert sorted(record) == sorted(names)
    assert all(files.sha256_file(out / n) == record[n] for n in names)
    assert [p.name for p in out.iterdir() if p.is_dir()] == []


def test_two_builds_at_once_both_finish_and_leave_one_consistent_set(tmp_path, monkeypatch, capsys):
    """The second build waits for the first (it cleared the first's staging folder as if left by a
    killed run, and the first ended in a traceback after renaming some files into place)."""
    import pptx

    media = tmp_path / "media"
    render(media, "decoder")
    render(media, "encoder")
    decks, _ = slides.find_decks(media, "l")
    out = media / "slides"
    second: dict = {}

    def build_second():
        try:
            second["written"] = slides.build(decks, out)
        except BaseException as e:  # noqa: BLE001 - reported below
            second["error"] = e

    thread = threading.Thread(target=build_second)
    real = slides.write_pptx

    def write_pptx(*args, **kwargs):
        if not second.get("started"):  # the first build, half way: the second one starts
            second["started"] = True
            thread.start()
            thread.join(timeout=1.0)  # it runs now (before the fix), or waits for this one
        real(*args, **kwargs)

    monkeypatch.setattr(slides, "write_pptx", write_pptx)
    first = slides.build(decks, out)
    thread.join(timeout=120)
    assert not thread.is_alive() and "error" not in second, second.get("error")
    assert [w.path.name for w in first] == [w.path.name for w in second["written"]]
    assert f"waiting for another deconv command writing to {out}" in capsys.readouterr().err
    names = [w.path.name for w in first]
    _consistent(out, names)
    for module in ("encoder", "decoder"):
        assert len(pptx.Presentation(str(out / f"{module}.pptx")).slides) == 2


def test_a_staging_folder_in_use_is_left_alone_and_one_left_by_a_killed_run_is_removed(tmp_path):
    media = tmp_path / "media"
    render(media)
    decks, _ = slides.find_decks(media, "l")
    out = media / "slides"
    out.mkdir()
    code = ("import sys\nfrom core import files\n"
            "with files.staging(sys.argv[1], '.deconv-slides-staging-') as s:\n"
            "    print(s, flush=True)\n    sys.stdin.read()\n")
    holder = subprocess.Popen([sys.executable, "-c", code, str(out)], cwd=ROOT, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        held = Path(holder.stdout.readline().strip())
        assert held.is_dir() and held.parent == out
        (held / "decoder.pptx").write_bytes(b"being made")
        dead = out / ".deconv-slides-staging-killed"  # its maker is gone: its owner file is not locked
        dead.mkdir()
        (dead / files.OWNER).touch()
        (dead / "decoder.pptx").write_bytes(b"half")
        slides.build(decks, out)
        assert (held / "decoder.pptx").read_bytes() == b"being made"
        assert not dead.exists()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not held.exists()
    _consistent(out, ["DecoderScene.json", "decoder.html", "decoder.pptx", "all.html"])


@pytest.mark.parametrize("max_height", [1080, 90])  # the clips as rendered, and scaled copies
def test_clip_names_with_xml_characters_make_a_pptx_that_opens(tmp_path, capsys, max_height):
    """python-pptx writes a clip's file name into the slide's XML unescaped: '<' or '&' ended the
    build in an XMLSyntaxError, a quote injected an attribute. The deck names its clips itself."""
    import pptx
    from pptx.shapes.picture import Movie

    media = tmp_path / "media"
    folder = render(media, sections=['a<b&c', 'd"e f=\'g\''])
    clips = sorted((folder / "sections").glob("*.mp4"))
    assert [c.name for c in clips] == ['DecoderScene_0000_a<b&c.mp4', 'DecoderScene_0001_d"e f=\'g\'.mp4']
    res = deconv_here(capsys, "slides", "--media", media, "--no-progress", "--max-height", max_height)
    assert res.returncode == 0, res.stderr
    deck = pptx.Presentation(str(media / "slides" / "decoder.pptx"))
    assert len(deck.slides) == 2
    for k, (slide, clip) in enumerate(zip(deck.slides, clips), 1):
        (movie,) = [s for s in slide.shapes if isinstance(s, Movie)]
        assert movie.name == f"decoder_{k:02d}.mp4"
        (part,) = {r.target_part for r in slide.part.rels.values() if r.reltype.endswith("/media")}
        assert part.content_type == "video/mp4"
        if max_height == 1080:
            assert part.blob == clip.read_bytes()
        else:  # the scaled copy (made under the clip's own name in pptx-90p/)
            scaled = media / "slides" / "pptx-90p" / "decoder" / "480p15" / clip.name
            assert part.blob == scaled.read_bytes()
    assert [p.name for p in (media / "slides").iterdir() if p.name.startswith(".deconv-slides-staging")] == []


def test_a_sections_list_naming_a_path_is_refused_in_one_line(tmp_path, capsys):
    """The check is subtitles.read_sections', shared with the index: an absolute path too."""
    media = tmp_path / "media"
    folder = render(media)
    index = folder / "sections" / "DecoderScene.json"
    entries = json.loads(index.read_text())
    entries[1]["video"] = str(folder / "DecoderScene.mp4")
    index.write_text(json.dumps(entries))
    named = str(folder / "DecoderScene.mp4")
    assert_usage_error(deconv_here(capsys, "slides", "--media", media),
                       f"{index}: entry 2 names {named!r}, not a clip in sections/",
                       "manim -ql --save_sections scenes/decoder.py")
    assert not (media / "slides").exists()


def test_decks_recorded_by_the_older_code_are_still_recognised(tmp_path, capsys):
    """The record keeps its name and form (.deconv-slides, name -> sha256): a deck built before is
    rebuilt without --force; one edited since is refused."""
    media = tmp_path / "media"
    render(media)
    out = media / "slides"
    assert deconv_here(capsys, "slides", "--media", media, "--no-progress").returncode == 0
    record = json.loads((out / slides.RECORD).read_text())
    # as the code before files.Record wrote it: in the order written, not sorted
    (out / slides.RECORD).write_text(json.dumps(dict(reversed(record.items())), indent=1))
    assert deconv_here(capsys, "slides", "--media", media, "--no-progress").returncode == 0
    (out / "decoder.html").write_text("edited")
    assert_usage_error(deconv_here(capsys, "slides", "--media", media), "decoder.html not written by deconv "
                       "slides, or changed since", "--force")


def test_narrations_record_keeps_its_name_and_what_it_recognises(tmp_path):
    script = {"scene": "DecoderScene", "module": "decoder",
              "model": {"variant": "plain", "seed": 22, "checkpoints": "checkpoints"},
              "sentences": [{"id": "a-01-aaaaaa", "section": "a", "written": "1 < 2 & 3", "spoken": "one"}]}
    out = tmp_path / "voice"
    paths = narration.write(script, out, force=False)
    record = json.loads((out / ".deconv-narration").read_text())
    assert record == {p.name: files.sha256_file(p) for p in paths}
    assert files.Record(out, "narration").foreign(narration.FILES) == []
    narration.check(out, force=False)  # its own files: replaced without --force
    (out / "script.txt").write_text("my notes\n")
    with pytest.raises(narration.NarrationError, match="script.txt: already there, and not as deconv"):
        narration.check(out, force=False)
    narration.write(script, out, force=True)
    assert (out / "script.txt").read_text().startswith(narration.MARK)


def test_without_the_deck_tools_slides_says_how_to_install_them(tmp_path, capsys, monkeypatch):
    """make run installs only what rendering needs; manim-slides is the `slides` extra, which make slides
    installs. Without it, deconv slides is one line saying so (not an ImportError deep in a build)."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.delitem(sys.modules, "manim_slides", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "manim_slides" else real(name, *a))
    res = deconv_here(capsys, "slides", "--media", tmp_path)
    assert_usage_error(res, "the deck tools are not installed", "make slides")
