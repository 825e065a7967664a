"""What `deconv index` (media/index.html) writes, and where: only inside the media folder it was given,
whatever Manim's sections list names or a link points at; and subtitles as WebVTT that a browser shows
as they were written (issue 25). Small real H.264 renders made for the test (conftest.fake_render)."""

import html
import json
import os
import re

import pytest
from conftest import assert_usage_error, deconv_here, fake_render, write_video

from core import subtitles, videos


def _outside_clip(tmp_path):
    """A folder outside the media folder holding a talk's own files: a clip, its poster and captions."""
    talk = tmp_path / "outside" / "talk"
    write_video(talk / "intro.mp4")
    (talk / "intro.poster.jpg").write_bytes(b"my poster")
    (talk / "intro.vtt").write_text("WEBVTT\n\nmy captions\n")
    old = (talk / "intro.mp4").stat().st_mtime - 100  # older than the clip: an index would redo them
    for name in ("intro.poster.jpg", "intro.vtt"):
        os.utime(talk / name, (old, old))
    return talk


def _files(folder):
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_sections_list_naming_a_clip_elsewhere_is_skipped_with_one_warning(tmp_path, capsys):
    """`"video": "../../../../../outside/talk/intro.mp4"` (or an absolute path) in Manim's
    sections/<Scene>.json: the index wrote a poster and captions over the user's files beside that
    path (or ended in a relative_to traceback). Now that list is left out with one warning."""
    media = tmp_path / "media"
    talk = _outside_clip(tmp_path)
    before = _files(talk)
    folder = fake_render(media)
    index = folder / "sections" / "DecoderScene.json"
    entries = json.loads(index.read_text())
    for bad in ("../../../../../outside/talk/intro.mp4", str(talk / "intro.mp4")):
        entries[1]["video"] = bad
        index.write_text(json.dumps(entries))
        res = deconv_here(capsys, "index", "--media", media)
        assert res.returncode == 0, res.stderr
        assert "Traceback" not in res.stderr
        (warning,) = res.stderr.strip().splitlines()
        assert warning.startswith(f"deconv: warning: {index}: ")
        assert repr(bad) in warning and "listed without sections" in warning
        assert "1 videos, 0 section clips" in res.stdout
        assert _files(talk) == before  # nothing written beside the path it names
        assert not list(talk.glob(".*"))
        page = (media / "index.html").read_text()
        assert "intro" not in page and "DecoderScene.mp4" in page


def test_read_sections_takes_only_plain_file_names(tmp_path):
    def listed(video):
        return [{"name": "a", "video": "a.mp4", "duration": "1.0"},
                {"name": "b", "video": video, "duration": "1.0"}]

    index = tmp_path / "S.json"
    for bad in ("../x.mp4", "/etc/x.mp4", "sub/x.mp4", "..", "", None, 3, "a\\b.mp4"):
        index.write_text(json.dumps(listed(bad)))
        with pytest.raises(ValueError, match=r"entry 2 names .*, not a clip in sections/"):
            subtitles.read_sections(index)
    index.write_text(json.dumps(listed("b.mp4")))
    assert [s.video for s in subtitles.read_sections(index)] == ["a.mp4", "b.mp4"]
    # a clip's section (deconv clip --burn-captions) is looked up only in lists of plain names
    (tmp_path / "sections").mkdir()
    (tmp_path / "sections" / "S.json").write_text(json.dumps(listed("../S.mp4")))
    (tmp_path / "S.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nhi\n")
    assert subtitles.section_source(tmp_path / "sections" / "a.mp4") is None
    (tmp_path / "sections" / "S.json").write_text(json.dumps(listed("b.mp4")))
    assert subtitles.section_source(tmp_path / "sections" / "a.mp4")[1].name == "a"


def test_a_sections_folder_linked_from_elsewhere_gets_no_poster_or_captions_there(tmp_path, capsys):
    """Every file the index writes lies in the media folder, links followed: a sections folder that is
    a link to another folder is listed, but nothing is written into that other folder."""
    media = tmp_path / "media"
    folder = fake_render(media)
    elsewhere = tmp_path / "elsewhere"
    os.replace(folder / "sections", elsewhere)
    (folder / "sections").symlink_to(elsewhere)
    before = _files(elsewhere)
    res = deconv_here(capsys, "index", "--media", media)
    assert res.returncode == 0, res.stderr
    assert _files(elsewhere) == before  # no .poster.jpg, no .vtt beside the clips there
    warnings = res.stderr.strip().splitlines()
    assert len(warnings) == 2 and all(w.startswith("deconv: warning: ") for w in warnings), warnings
    assert all("outside" in w and str(media) in w for w in warnings)
    page = (media / "index.html").read_text()
    assert page.count("<video") == 3 and page.count("poster=") == 1 and page.count('kind="captions"') == 1
    assert (folder / "DecoderScene.poster.jpg").is_file() and (folder / "DecoderScene.vtt").is_file()
    broken = next(elsewhere.glob("*_0000_*.mp4"))  # still checked: a clip that does not play is left out
    broken.write_bytes(broken.read_bytes()[:300])
    res = deconv_here(capsys, "index", "--media", media)
    assert res.returncode == 0 and "1 videos, 1 section clips" in res.stdout, res.stderr
    skipped, outside = res.stderr.strip().splitlines()
    assert broken.name in skipped and "section skipped" in skipped and "outside" in outside
    assert not list(elsewhere.glob("*.poster.jpg")) and not list(elsewhere.glob("*.vtt"))


def test_a_section_clip_linked_from_elsewhere_gets_its_poster_beside_the_link(tmp_path, capsys):
    media = tmp_path / "media"
    folder = fake_render(media)
    talk = _outside_clip(tmp_path)
    before = _files(talk)
    clip = next((folder / "sections").glob("*_0001_*.mp4"))
    clip.unlink()
    clip.symlink_to(talk / "intro.mp4")
    res = deconv_here(capsys, "index", "--media", media)
    assert res.returncode == 0 and res.stderr == "", res.stderr
    assert _files(talk) == before
    assert clip.with_suffix(".poster.jpg").is_file() and clip.with_suffix(".vtt").is_file()


def test_an_index_html_that_is_a_link_is_not_replaced_without_force(tmp_path, capsys):
    """A link named index.html is the user's (it points at a page elsewhere), even where that page
    is one deconv index wrote: not replaced without --force, and never written through."""
    media = tmp_path / "media"
    fake_render(media)
    assert deconv_here(capsys, "index", "--media", media).returncode == 0
    site = tmp_path / "site.html"
    os.replace(media / "index.html", site)
    (media / "index.html").symlink_to(site)
    page = site.read_bytes()
    assert_usage_error(deconv_here(capsys, "index", "--media", media), "index.html", "link", "--force")
    assert (media / "index.html").is_symlink() and site.read_bytes() == page
    assert deconv_here(capsys, "index", "--media", media, "--force").returncode == 0
    assert not (media / "index.html").is_symlink() and site.read_bytes() == page


# --- WebVTT ------------------------------------------------------------------------------------------
def _vtt_texts(vtt: str) -> list[str]:
    """Each cue's text as a browser shows it (the entities decoded)."""
    blocks = vtt.strip().split("\n\n")[1:]
    return [html.unescape("\n".join(b.splitlines()[1:])) for b in blocks]


def test_cue_text_is_escaped_as_webvtt_asks():
    """'The order 1 < 2 < 3 holds in 6 of 10 seeds' (the noise video's cue) showed as 'The order 1 '."""
    said = ["The order 1 < 2 < 3 holds in 6 of 10 seeds", "A & B, <b>not bold</b>", "x --> y"]
    vtt = subtitles.to_vtt([subtitles.Cue(k, k + 1, t) for k, t in enumerate(said)])
    assert "The order 1 &lt; 2 &lt; 3 holds in 6 of 10 seeds" in vtt
    assert "A &amp; B, &lt;b&gt;not bold&lt;/b&gt;" in vtt
    body = vtt.split("\n\n", 1)[1]
    assert "-->" not in body.replace(" --> ", "")  # only timing lines hold the arrow
    assert "<" not in body and re.findall(r"&(?!amp;|lt;|gt;)", body) == []
    assert _vtt_texts(vtt) == said


def test_the_index_writes_escaped_captions(tmp_path, capsys):
    media = tmp_path / "media"
    cues = ((0.0, 1.5, "The order 1 < 2 < 3 holds"), (1.5, 3.0, "in 6 & 10 seeds."), (3.0, 4.0, "End."))
    folder = fake_render(media, "code_noise", cues=cues)
    assert deconv_here(capsys, "index", "--media", media).returncode == 0
    vtt = (folder / "CodeNoiseScene.vtt").read_text()
    assert _vtt_texts(vtt) == [c[2] for c in cues]
    assert "1 &lt; 2 &lt; 3" in vtt and "6 &amp; 10" in vtt


def test_a_render_folder_name_is_escaped_on_the_page(tmp_path, capsys):
    """The quality shown is the render folder's name, which the index finds by globbing."""
    media = tmp_path / "media"
    fake_render(media, folder="<i>p1")
    assert deconv_here(capsys, "index", "--media", media).returncode == 0
    page = (media / "index.html").read_text()
    assert "<i>" not in page and "&lt;i&gt;p1" in page
    assert [e.quality for e in videos.collect(media)] == ["<i>p1"]


def test_captions_written_by_an_older_deconv_are_made_again(tmp_path, capsys):
    """A .vtt newer than its .srt was kept as it was: the unescaped captions of an older deconv index
    stayed broken. The captions are made each time and written where they differ."""
    media = tmp_path / "media"
    cues = ((0.0, 2.0, "The order 1 < 2 < 3 holds"), (2.0, 4.0, "in 6 of 10 seeds."))
    folder = fake_render(media, "code_noise", cues=cues)
    vtt = folder / "CodeNoiseScene.vtt"
    vtt.write_text("WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nThe order 1 < 2 < 3 holds\n")
    assert deconv_here(capsys, "index", "--media", media).returncode == 0
    assert "The order 1 &lt; 2 &lt; 3 holds" in vtt.read_text()
    assert _vtt_texts(vtt.read_text()) == [c[2] for c in cues]
    before = vtt.stat().st_mtime_ns
    assert deconv_here(capsys, "index", "--media", media).returncode == 0
    assert vtt.stat().st_mtime_ns == before  # unchanged: not written again


def test_hand_edited_page_captions_and_posters_are_kept_without_force(tmp_path, capsys):
    """The index replaced a hand-edited index.html (it only looked for its generator tag), captions
    and posters. Its own unchanged files it replaces freely; an edited page is refused in one line, an
    edited .vtt or poster is kept (and counted in one warning); --force replaces them."""
    media = tmp_path / "media"
    folder = fake_render(media)
    assert deconv_here(capsys, "index", "--media", media).returncode == 0
    assert deconv_here(capsys, "index", "--media", media).returncode == 0  # its own: no --force
    page = media / "index.html"
    vtt, poster = folder / "DecoderScene.vtt", folder / "DecoderScene.poster.jpg"
    assert vtt.is_file() and poster.is_file()
    vtt.write_text(vtt.read_text().replace("WEBVTT", "WEBVTT\n\nNOTE my own notes", 1))
    poster.write_bytes(b"my poster")
    old = (folder / "DecoderScene.mp4").stat().st_mtime - 100  # older than the video: would be redone
    os.utime(poster, (old, old))
    mine = {p: p.read_bytes() for p in (vtt, poster)}
    res = deconv_here(capsys, "index", "--media", media)
    assert res.returncode == 0, res.stderr
    assert "2 posters or captions kept as they are" in res.stderr and "--force" in res.stderr
    assert {p: p.read_bytes() for p in (vtt, poster)} == mine
    page.write_text(page.read_text() + "<p>My own notes</p>\n")
    res = deconv_here(capsys, "index", "--media", media)
    assert_usage_error(res, "index.html that deconv index did not write, or that was edited since", "--force")
    assert "My own notes" in page.read_text()
    assert deconv_here(capsys, "index", "--media", media, "--force").returncode == 0
    assert "My own notes" not in page.read_text() and vtt.read_bytes() != mine[vtt]
    assert poster.read_bytes() != mine[poster]


def test_links_on_the_page_are_url_encoded(tmp_path):
    """A clip named 'p?q#r%20 s&.mp4' linked as written broke in a browser ('?' starts a query, '#' a
    fragment, '%20' decodes to a space): the page's links are URL-encoded, then escaped."""
    media = tmp_path / "media"
    link = videos._rel(media / "videos" / "x" / 'p?q#r%20 s&".mp4', media)
    assert link == "videos/x/p%3Fq%23r%2520%20s%26%22.mp4"


def test_a_huge_sections_list_is_not_read(tmp_path):
    index = tmp_path / "DecoderScene.json"
    with open(index, "wb") as f:
        f.truncate(400 << 20)  # sparse: no disk used; reading it whole took 880 MB
    with pytest.raises(subtitles.SectionsError, match="far larger than a sections list can be"):
        subtitles.read_sections(index)
