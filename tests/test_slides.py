"""`deconv slides` / `make slides`: decks built from rendered section clips (here small real H.264
clips made for the test; tests/test_decoder_scene.py builds them from a real -ql render too): one
slide per section, the subtitles as speaker notes, a manim-slides presentation, one HTML file that
plays with the network off in headless Chromium, and a .pptx whose clips play on entering a slide.
"""

import base64
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import av
import conftest
import numpy as np
import pytest
from conftest import FPS, ROOT, assert_usage_error, chromium_offline, deconv_here, open_offline, write_video

from core import revealjs, slides, subtitles, videos
from core.explainers import EXPLAINERS

SECTIONS = {"encoder": ["dot-products", "tanh"], "decoder": ["weighted-sum", "all-components", "stride"]}
# each section clip is one second (FPS frames); the first slide of each deck is all this colour
FIRST = {"encoder": (230, 120, 20), "decoder": (30, 160, 220)}
SRT = {  # cue 2 of the decoder starts in section 1 but is mostly shown in section 2
    "encoder": [(0.0, 0.9, "Dot products: a patch times a filter."), (1.0, 1.9, "tanh squeezes\neach one.")],
    "decoder": [(0.0, 0.8, "A weighted sum of filters."), (0.9, 1.6, "All three <together> & summed."),
                (1.6, 2.0, "Same code, same curve."), (2.1, 2.9, "Stride 4: windows step by four.")],
}


def fake_render(media: Path, module: str, folder: str = "480p15", codec: str = "h264") -> Path:
    """A render of `module` made for these tests (conftest.fake_render): SECTIONS[module], one
    second each, the first all FIRST[module], SRT[module] as its subtitles, dark theme."""
    return conftest.fake_render(media, module, SECTIONS[module], folder, SRT[module], frames=FPS,
                                first_colour=FIRST[module], codec=codec, theme="dark")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both fake explainers' decks, built once as `deconv slides --quality l` builds them."""
    media = tmp_path_factory.mktemp("media")
    for module in SECTIONS:
        fake_render(media, module)
    decks, missing = slides.find_decks(media, "l")
    written = slides.build(decks, media / "slides")
    return media, decks, missing, written


def test_a_slide_per_section_with_the_subtitles_said_in_it_as_notes(built):
    media, decks, missing, _ = built
    assert [d.spec.module for d in decks] == ["encoder", "decoder"]  # watch order
    assert [m.module for m in missing] == ["transposed", "overlap", "code_noise", "input_noise"]
    enc, dec = decks
    assert [s.name for s in dec.slides] == SECTIONS["decoder"]
    assert [s.clip.name for s in dec.slides] == [f"DecoderScene_{k:04d}_{n}.mp4"
                                                 for k, n in enumerate(SECTIONS["decoder"])]
    # a cue's line break becomes a space; the cue shown mostly in section 2 is that slide's
    assert [s.notes for s in enc.slides] == ["Dot products: a patch times a filter.",
                                             "tanh squeezes each one."]
    assert [s.notes for s in dec.slides] == ["A weighted sum of filters.",
                                             "All three <together> & summed.\nSame code, same curve.",
                                             "Stride 4: windows step by four."]
    assert (dec.width, dec.height, dec.background) == (320, 180, "#000000")


def test_building_decks_loads_neither_manim_nor_torch_nor_qt(built, tmp_path):
    """core never imports manim; the decks are made from files with manim-slides' converters alone."""
    import sys

    media = built[0]
    args = ["slides", "--media", str(media), "--out", str(tmp_path), "--no-progress"]
    code = f"import sys\nfrom core import cli\nassert cli.main({args!r}) == 0\nprint(' '.join(sys.modules))"
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    mods = {m.split(".")[0] for m in res.stdout.splitlines()[-1].split()}
    assert "manim_slides" in mods and "pptx" in mods
    assert not mods & {"manim", "torch", "qtpy", "PySide6", "scenes"}


def test_a_cue_goes_to_the_section_that_shows_it_longest():
    spans = [subtitles.Span("a", 0, 1, ""), subtitles.Span("b", 1, 2, "")]
    cue = lambda a, b: subtitles.Cue(a, b, "x")  # noqa: E731
    assert slides.section_of(cue(0.2, 1.3), spans) == 0
    assert slides.section_of(cue(0.8, 1.9), spans) == 1
    assert slides.section_of(cue(0.5, 1.5), spans) == 0  # a tie: the section it was said in


def test_manim_slides_reads_the_presentation_as_present_does(built):
    """`manim-slides present --folder <media>/slides DecoderScene` loads this file with this loader."""
    from manim_slides.config import PresentationConfig
    from manim_slides.present import _list_scenes

    media, decks, _, _ = built
    out = media / "slides"
    assert _list_scenes(out) == ["DecoderScene", "EncoderScene"]  # the record file is no presentation
    dec = decks[1]
    config = PresentationConfig.from_file(out / "DecoderScene.json")
    assert [s.file.resolve() for s in config.slides] == [s.clip.resolve() for s in dec.slides]
    assert [s.notes for s in config.slides] == [s.notes for s in dec.slides]
    assert config.resolution == (320, 180) and not any(s.loop or s.auto_next for s in config.slides)
    # relative to the media folder, so the folder can move
    raw = json.loads((out / "DecoderScene.json").read_text())
    assert raw["slides"][0]["file"] == "videos/decoder/480p15/sections/DecoderScene_0000_weighted-sum.mp4"


def _sections(page: str) -> list[str]:
    return re.findall(r"<section\b.*?</section>", page, re.S)


def test_html_deck_is_one_file_a_slide_per_section_naming_no_other_host(built):
    media, decks, _, _ = built
    dec = decks[1]
    page = (media / "slides" / "decoder.html").read_text()
    found = _sections(page)
    assert len(found) == len(dec.slides) == 3
    for section, slide in zip(found, dec.slides):
        uri = re.search(r'data-background-video="data:video/mp4;base64,([^"]+)"', section).group(1)
        assert base64.b64decode(uri) == slide.clip.read_bytes()  # the clip itself, embedded
        notes = re.findall(r"<p>(.*?)</p>", section)
        assert [n.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for n in notes] \
            == slide.notes.split("\n")
        assert f'id="decoder-{slide.name}"' in section
    assert "&lt;together&gt; &amp; summed" in page  # escaped: the notes are text, not markup
    # reveal.js, its stylesheet and the notes plugin inlined from the copy make setup keeps
    found_js = re.findall(r'<script src="data:text/javascript;base64,([^"]+)"', page)
    assert [base64.b64decode(x) for x in found_js] == [revealjs.files()[f].read_bytes()
                                                        for f in ("dist/reveal.js", "dist/plugin/notes.js")]
    assert "plugins: [ RevealNotes ]" in page  # S: the presenter view with the notes
    assert page.count("data-background-video-muted") == 3  # silent clips: each plays on entry, even reloaded
    assert "key: 'R', description: 'Replay the clip'" in page
    # no address of any other host, and no file outside this one
    assert "http://" not in page and "https://" not in page
    assert re.findall(r'(?:src|href)="(?!data:)([^"]*)"', page) == []


def test_all_html_holds_every_deck_in_watch_order(built):
    media, decks, _, _ = built
    page = (media / "slides" / "all.html").read_text()
    ids = re.findall(r'<section id="([^"]+)"', page)
    assert ids == [f"{d.spec.module}-{s.name}" for d in decks for s in d.slides]
    assert "<title>deconv-explained: the explainers in watch order</title>" in page


# --- headless Chromium, network off ------------------------------------------------------------------
def test_chromium_with_no_network_shows_the_first_slides_clip_and_asks_no_host(built, tmp_path):
    media, _, _, _ = built
    picture, urls = open_offline(media / "slides" / "decoder.html", tmp_path)
    assert [u for u in urls if not u.startswith(("file:", "data:", "blob:"))] == []
    # the first clip fills the middle of the window (letterboxed by 'contain'): its colour, not blank
    h, w, _ = picture.shape
    middle = picture[h // 3: 2 * h // 3, w // 3: 2 * w // 3].reshape(-1, 3)
    near = np.abs(middle - np.array(FIRST["decoder"])).max(axis=1) <= 24
    assert near.mean() > 0.8, middle.mean(axis=0)


def test_reveal_js_reads_the_slides_and_their_notes_for_the_presenter_view(built, tmp_path):
    """What the presenter view (S) shows comes from reveal.js's notes plugin: loaded, and reading
    each slide's notes (asked in the page itself, network off)."""
    media, decks, _, _ = built
    page = (media / "slides" / "decoder.html").read_text()
    ask = ("<script>Reveal.on('ready', () => { const b = document.body.dataset; b.plugin = "
           "Reveal.hasPlugin('notes'); b.total = Reveal.getTotalSlides(); Reveal.slide(1); "
           "b.notes = Reveal.getSlideNotes(); });</script></body>")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", ask))
    res = chromium_offline(probe, tmp_path, "--virtual-time-budget=3000", "--dump-dom")
    body = re.search(r"<body[^>]*>", res.stdout).group(0)
    assert 'data-plugin="true"' in body and f'data-total="{len(decks[1].slides)}"' in body
    notes = html.unescape(re.search(r'data-notes="([^"]*)"', body).group(1))
    said = [html.unescape(x) for x in re.findall(r"<p>(.*?)</p>", notes)]
    assert said == decks[1].slides[1].notes.split("\n")


def test_the_network_check_catches_a_page_that_loads_from_another_host(tmp_path):
    """The check above can fail: a deck as manim-slides writes it by default (reveal.js from a CDN)."""
    page = tmp_path / "cdn.html"
    page.write_text('<!doctype html><script src="https://cdn.jsdelivr.net/npm/reveal.js@6.0.1/dist/'
                    'reveal.js"></script><body style="background:#fff">x</body>')
    _, urls = open_offline(page, tmp_path)
    assert "https://cdn.jsdelivr.net/npm/reveal.js@6.0.1/dist/reveal.js" in urls


# --- PowerPoint ----------------------------------------------------------------------------------------
P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def test_pptx_has_on_each_slide_its_clip_playing_on_entry_and_the_subtitles_as_notes(built):
    import pptx
    from pptx.shapes.picture import Movie

    media, decks, _, _ = built
    dec = decks[1]
    deck = pptx.Presentation(str(media / "slides" / "decoder.pptx"))
    assert len(deck.slides) == len(dec.slides)
    assert (deck.slide_width, deck.slide_height) == (1280 * 9525, 720 * 9525)  # 16:9, the clip fills it
    for slide, section in zip(deck.slides, dec.slides):
        (movie,) = [s for s in slide.shapes if isinstance(s, Movie)]
        assert (movie.width, movie.height) == (deck.slide_width, deck.slide_height)
        (media_part,) = {r.target_part for r in slide.part.rels.values() if r.reltype.endswith("/media")}
        assert media_part.blob == section.clip.read_bytes() and media_part.content_type == "video/mp4"
        assert slide.notes_slide.notes_text_frame.text == section.notes
        # the slide's timing starts this movie with no delay: it plays on entering the slide
        shape_id = movie.shape_id
        (video,) = slide.element.iter(f"{P}video")
        assert video.find(f".//{P}spTgt").get("spid") == str(shape_id)
        assert video.find(f".//{P}cond").get("delay") == "0"


def test_pptx_clips_taller_than_the_limit_are_scaled_down_as_h264(tmp_path):
    import pptx

    media = tmp_path / "media"
    fake_render(media, "decoder")
    (dec,), _ = slides.find_decks(media, "l")
    slides.build([dec], media / "slides", max_height=90)
    deck = pptx.Presentation(str(media / "slides" / "decoder.pptx"))
    scaled = tmp_path / "scaled.mp4"
    (part,) = {r.target_part for r in deck.slides[0].part.rels.values() if r.reltype.endswith("/media")}
    scaled.write_bytes(part.blob)
    with av.open(str(scaled)) as c:
        s = c.streams.video[0]
        found = (s.codec_context.name, s.width, s.height, s.codec_context.pix_fmt)
        assert found == ("h264", 160, 90, "yuv420p")
        assert s.frames == FPS
    # a second build reuses the scaled copies; 0 keeps the clips as rendered
    copy = media / "slides" / "pptx-90p" / "decoder" / "480p15" / dec.slides[0].clip.name
    before = copy.stat().st_mtime_ns
    slides.build([dec], media / "slides", max_height=90)
    assert copy.stat().st_mtime_ns == before
    slides.build([dec], media / "slides", max_height=0)
    deck = pptx.Presentation(str(media / "slides" / "decoder.pptx"))
    (part,) = {r.target_part for r in deck.slides[0].part.rels.values() if r.reltype.endswith("/media")}
    assert part.blob == dec.slides[0].clip.read_bytes()


# --- the command ---------------------------------------------------------------------------------------
def test_deconv_slides_builds_every_format_and_says_how_to_present(tmp_path, capsys):
    media = tmp_path / "media"
    fake_render(media, "decoder")
    fake_render(media, "decoder", folder="720p30")  # the best quality rendered is the default
    res = deconv_here(capsys, "slides", "--media", media, "--quality", "l", "--no-progress")
    assert res.returncode == 0, res.stderr
    out = media / "slides"
    assert sorted(p.name for p in out.iterdir()) == [".deconv-slides", ".deconv.lock", "DecoderScene.json",
                                                     "all.html", "decoder.html", "decoder.pptx"]
    assert f"wrote {out / 'decoder.pptx'}: 3 slides from 480p15, 0:03 of video" in res.stdout
    assert "not rendered at 480p15, so in no deck: encoder, transposed, overlap, code_noise, input_noise" \
        in res.stdout
    assert f"present with: manim-slides present --folder {out} DecoderScene" in res.stdout
    # built again over its own files: no --force needed
    assert deconv_here(capsys, "slides", "--media", media, "--no-progress").returncode == 0
    raw = json.loads((out / "DecoderScene.json").read_text())
    assert raw["slides"][0]["file"].startswith("videos/decoder/720p30/")


def test_a_deck_file_someone_made_or_edited_is_not_replaced_without_force(tmp_path, capsys):
    media = tmp_path / "media"
    fake_render(media, "decoder")
    out = media / "slides"
    assert deconv_here(capsys, "slides", "--media", media, "--no-progress").returncode == 0
    pptx_file = out / "decoder.pptx"
    pptx_file.write_bytes(pptx_file.read_bytes() + b"\0")  # edited (a slide added, say)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert_usage_error(deconv_here(capsys, "slides", "--media", media), f"{out}: decoder.pptx not written",
                       "--force")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # nothing written
    (out / "all.html").unlink()
    (out / "all.html").write_text("my own page")
    pptx_file.unlink()
    assert_usage_error(deconv_here(capsys, "slides", "--media", media), "all.html")
    assert deconv_here(capsys, "slides", "--media", media, "--force", "--no-progress").returncode == 0
    assert "my own page" not in (out / "all.html").read_text()


@pytest.mark.parametrize("breakage, needle", [
    ("nothing", "no rendered explainers there; render them and build the decks with make slides QUALITY=l "
                "MEDIA="),
    ("no-sections", "no section clips (a slide is a section); render it again: manim -ql --save_sections "
                    "scenes/decoder.py"),
    ("stale", "left from another render"),
    ("transparent", "not H.264 (a transparent -t render?)"),
    ("missing-clip", "missing section clip"),
    ("quality", "nothing rendered at 2160p60; render it and build the decks with make slides QUALITY=k "
                "MEDIA="),
    ("no-reveal", "reveal.js 6.0.1 is not in"),
])
def test_what_cannot_become_a_deck_is_one_line_and_nothing_written(tmp_path, capsys, monkeypatch,
                                                                     breakage, needle):
    media = tmp_path / "media"
    args = ["slides", "--media", media]
    if breakage != "nothing":
        folder = fake_render(media, "decoder", codec="qtrle" if breakage == "transparent" else "h264")
    if breakage == "no-sections":
        shutil.rmtree(folder / "sections")
    elif breakage == "stale":
        write_video(folder / "DecoderScene.mp4", n=FPS * 9)
    elif breakage == "missing-clip":
        next((folder / "sections").glob("*_0001_*.mp4")).unlink()
    elif breakage == "quality":
        args += ["--quality", "k"]
    elif breakage == "no-reveal":
        monkeypatch.setenv(revealjs.ENV, str(tmp_path / "nowhere"))
    assert_usage_error(deconv_here(capsys, *args), needle)
    assert not (media / "slides").exists()


def test_theme_light_reads_media_light_and_bad_options_are_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert_usage_error(deconv_here(capsys, "slides", "--theme", "light"),
                       "media/light: no rendered explainers there", "DECONV_THEME=light make slides")
    assert_usage_error(deconv_here(capsys, "slides", "--theme", "light", "--media", "x"), "not both")
    assert_usage_error(deconv_here(capsys, "slides", "--max-height", "8"), "--max-height 8")
    fake_render(tmp_path / "media" / "light", "encoder")
    res = deconv_here(capsys, "slides", "--theme", "light", "--no-progress")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "media" / "light" / "slides" / "encoder.html").is_file()


def test_reveal_js_is_fetched_whole_or_not_at_all(tmp_path, monkeypatch):
    """make setup's step; here npm is a stand-in that fails, so nothing may be left behind."""
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    (tmp_path / "bin").mkdir()
    assert shutil.which("npm") is None
    with pytest.raises(revealjs.RevealMissing, match="npm is not installed"):
        revealjs.fetch(tmp_path / "reveal")
    fake_npm = tmp_path / "bin" / "npm"
    fake_npm.write_text("#!/bin/sh\necho 'npm error 404 Not Found - reveal.js' >&2\nexit 1\n")
    fake_npm.chmod(0o755)
    with pytest.raises(revealjs.RevealMissing, match="npm pack reveal.js@6.0.1 failed: npm error 404"):
        revealjs.fetch(tmp_path / "reveal")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_slides_builds_from_the_renders_and_renders_only_what_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DECONV_THEME", "QUALITY", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}

    def dry_run():
        return subprocess.run(["make", "-n", "slides", "QUALITY=l", f"MEDIA={tmp_path}"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL).stdout

    first = dry_run()
    assert re.findall(r"manim -ql --save_sections \S+ \S+ scenes/(\w+)\.py", first) == \
        [e.module for e in EXPLAINERS]
    *_, build, page, index = first.strip().splitlines()
    assert build.endswith(f"deconv slides --media {tmp_path} --quality l")
    assert page.strip().endswith(f"deconv explore --out {tmp_path}/explorer.html")  # the explorer page
    assert index.endswith(f"deconv index --media {tmp_path} --quality l")  # which links the decks and page
    for e in EXPLAINERS:  # every video rendered and finished: the decks are built, nothing rendered
        folder = tmp_path / "videos" / e.module / "480p15"
        folder.mkdir(parents=True)
        (folder / f"{e.scene}.mp4").touch()
        (folder / f".{e.scene}.complete").touch()
    again = dry_run()
    assert "manim" not in again and f"deconv slides --media {tmp_path} --quality l" in again


def test_the_index_page_links_each_explainers_decks_and_says_which_render_they_show(built, tmp_path, capsys):
    """media/index.html (deconv index, which make slides runs after the decks) links all.html and
    each explainer's .html and .pptx; decks built from another render than the page shows say so."""
    media = tmp_path / "media"
    shutil.copytree(built[0], media, ignore=shutil.ignore_patterns("slides"))
    page = media / "index.html"
    assert deconv_here(capsys, "index", "--media", media).returncode == 0
    assert "slides/" not in page.read_text()  # no decks: no links
    shutil.copytree(built[0] / "slides", media / "slides")  # what deconv slides --quality l wrote
    fake_render(media, "encoder", folder="1080p60")  # the page now shows this one; the deck does not
    res = deconv_here(capsys, "index", "--media", media)
    assert res.returncode == 0, res.stderr
    text = page.read_text()
    links = re.findall(r'href="(slides/[^"]+)"', text)
    assert links == ["slides/all.html", "slides/encoder.html", "slides/encoder.pptx",
                     "slides/decoder.html", "slides/decoder.pptx"]
    assert all((media / link).is_file() for link in links)
    assert ">slides/encoder.html</a>" in text  # the path shown, not only the name
    encoder, decoder = text.split('<section id="decoder">')
    assert "decks, from the 480p15 render, not the 1080p60 one above (soft on a projector" in encoder
    assert "decks, from the 480p15 render (soft on a projector" in decoder  # the render shown
    assert "not the" not in decoder
    full = videos.Explainer("decoder", "", "1080p60", videos.Clip("", Path("v.mp4"), 1.0),
                            deck_render="1080p60")
    assert videos._deck_source(full) == "decks, from the 1080p60 render"  # for a projector: no caveat


# --- what a careful presenter (or a tester) does to it ---------------------------------------------------
@pytest.mark.parametrize("lie, needle", [
    ("outside", "names '../DecoderScene.mp4', not a clip in sections/"),
    ("longer", "0.53 s long, where DecoderScene.json says 1.00 s"),
    ("truncated", "cannot read this video"),
])
def test_a_sections_list_that_does_not_match_its_clips_is_refused_before_anything_is_written(
        tmp_path, capsys, lie, needle):
    media = tmp_path / "media"
    folder = fake_render(media, "decoder")
    index = folder / "sections" / "DecoderScene.json"
    entries = json.loads(index.read_text())
    first = folder / "sections" / entries[0]["video"]
    if lie == "outside":
        entries[0]["video"] = "../DecoderScene.mp4"
        index.write_text(json.dumps(entries))
    elif lie == "longer":
        write_video(first, n=8)
    else:
        first.write_bytes(first.read_bytes()[: first.stat().st_size // 2])
    assert_usage_error(deconv_here(capsys, "slides", "--media", media), needle)
    assert not (media / "slides").exists()


def test_decks_of_another_build_are_kept_whole_when_a_build_fails_or_is_interrupted(built, tmp_path,
                                                                                   monkeypatch):
    media, decks, _, _ = built
    out = tmp_path / "slides"
    slides.build(decks, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(slides, "write_pptx", interrupted)
    with pytest.raises(KeyboardInterrupt):
        slides.build(decks, out)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert [p.name for p in out.iterdir() if p.is_dir()] == []  # no staging folder left


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed one
def test_a_ctrl_c_swallowed_by_a_destructor_still_stops_the_build():
    """Python ignores a KeyboardInterrupt raised inside __del__ (PyAV's and imageio's readers close
    there): the build asks again after each file."""
    import signal

    class Reader:
        def __del__(self):
            signal.raise_signal(signal.SIGINT)

    before = signal.getsignal(signal.SIGINT)  # Python's own; ignored where the tests run in the background
    with pytest.raises(KeyboardInterrupt):
        with slides._interrupts() as check:
            Reader()  # the interrupt lands in its destructor and is swallowed there
            check()
    assert signal.getsignal(signal.SIGINT) is before  # put back as it was


def test_a_copied_or_touched_deck_is_still_ours_and_an_explainer_left_out_loses_its_old_deck(tmp_path,
                                                                                            capsys):
    media = tmp_path / "media"
    fake_render(media, "decoder")
    fake_render(media, "encoder")
    assert deconv_here(capsys, "slides", "--media", media, "--no-progress").returncode == 0
    copy = tmp_path / "copy"
    shutil.copytree(media, copy)  # new modification times, same content
    os.utime(copy / "slides" / "decoder.pptx")
    shutil.rmtree(copy / "videos" / "encoder")
    res = deconv_here(capsys, "slides", "--media", copy, "--no-progress")
    assert res.returncode == 0, res.stderr
    assert f"removed {copy / 'slides' / 'encoder.html'} (that explainer is not in this build)" in res.stdout
    left = sorted(p.name for p in (copy / "slides").iterdir())
    assert left == [".deconv-slides", ".deconv.lock", "DecoderScene.json", "all.html", "decoder.html",
                    "decoder.pptx"]


def test_where_the_decks_may_go(tmp_path, capsys):
    media = tmp_path / "media"
    fake_render(media, "decoder")
    renders = media / "videos" / "decoder" / "480p15" / "sections"
    assert_usage_error(deconv_here(capsys, "slides", "--media", media, "--out", renders, "--force"),
                       "inside the renders", f"{media / 'slides'}")
    (tmp_path / "a-file").write_text("x")
    assert_usage_error(deconv_here(capsys, "slides", "--media", media, "--out", tmp_path / "a-file"),
                       "not a folder")
    assert_usage_error(deconv_here(capsys, "slides", "--media", media, "--out", tmp_path / "a-file" / "sub"),
                       "a file is where this folder goes")
    assert_usage_error(deconv_here(capsys, "slides", "--media", media / "videos"),
                       f"give Manim's media folder, the one holding videos/ (--media {media})")
    # through a symbolic link: manim-slides finds the clips from the folder as it is named
    (tmp_path / "real").mkdir()
    (media / "linked").symlink_to(tmp_path / "real")
    assert deconv_here(capsys, "slides", "--media", media, "--out", media / "linked", "--no-progress"
                       ).returncode == 0
    from manim_slides.config import PresentationConfig

    config = PresentationConfig.from_file(media / "linked" / "DecoderScene.json")
    assert config.slides[0].file.resolve() == (renders / "DecoderScene_0000_weighted-sum.mp4").resolve()


def test_a_render_without_subtitles_makes_slides_without_notes_and_says_so(tmp_path, capsys):
    media = tmp_path / "media"
    folder = fake_render(media, "decoder")
    (folder / "DecoderScene.srt").unlink()
    res = deconv_here(capsys, "slides", "--media", media, "--no-progress")
    assert res.returncode == 0
    assert res.stderr.startswith(f"deconv: warning: {folder / 'DecoderScene.srt'}: no subtitles, so the "
                                 "slides of decoder have no notes")


def test_slide_ids_stay_unique_when_two_sections_share_a_name(tmp_path):
    media = tmp_path / "media"
    folder = fake_render(media, "decoder")
    index = folder / "sections" / "DecoderScene.json"
    entries = json.loads(index.read_text())
    for e in entries:
        e["name"] = "step"
    index.write_text(json.dumps(entries))
    (deck,), _ = slides.find_decks(media)
    assert slides._ids(deck) == ["decoder-step", "decoder-step-2", "decoder-step-3"]


def test_manim_slides_present_opens_the_deck_in_its_qt_player(built, tmp_path):
    """The player `make setup` installs (PySide6 and the Qt libraries it needs) starts on the deck,
    off screen, and is still playing a few seconds later: no import error, no traceback. (It runs
    until quit; the test stops it.)"""
    import signal
    import sys
    import threading
    import time

    media = built[0]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path))
    command = [sys.executable, "-m", "manim_slides", "present", "--folder", str(media / "slides"),
               "--hide-info-window", "DecoderScene"]
    player = subprocess.Popen(command, cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              stdin=subprocess.DEVNULL, start_new_session=True)
    said = {"out": [], "err": []}
    readers = [threading.Thread(target=lambda k=k, f=f: said[k].extend(f), daemon=True)
               for k, f in (("out", player.stdout), ("err", player.stderr))]
    for r in readers:
        r.start()
    # until its player has opened the first slide's clip (FFmpeg names its stream; under a second
    # here, 20 s at most on a busy machine), then 1.5 s more of playing
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and player.poll() is None and \
            not any("Stream #0" in line for line in said["err"]):
        time.sleep(0.1)
    time.sleep(1.5)
    running = player.poll() is None
    os.killpg(player.pid, signal.SIGKILL)
    player.wait(timeout=30)
    for r in readers:
        r.join(timeout=30)
    out, err = "".join(said["out"]), "".join(said["err"])
    assert running, (out + err)[-3000:]
    assert "Stream #0" in err  # it opened the clip
    assert "Traceback" not in out + err and "Error" not in err.replace("PulseAudioService", ""), err[-3000:]


# --- narrated renders ----------------------------------------------------------------------------------
def _embedded_clips(page: Path, tmp: Path) -> list[Path]:
    """The clips an HTML deck embeds (its data: URIs), written out as files."""
    found = []
    for k, uri in enumerate(re.findall(r'data-background-video="data:video/mp4;base64,([^"]+)"',
                                       page.read_text())):
        found.append(tmp / f"{page.stem}-{k}.mp4")
        found[-1].write_bytes(base64.b64decode(uri))
    return found


def _pptx_clips(deck: Path, tmp: Path) -> list[Path]:
    import pptx

    found = []
    for k, slide in enumerate(pptx.Presentation(str(deck)).slides):
        (part,) = {r.target_part for r in slide.part.rels.values() if r.reltype.endswith("/media")}
        found.append(tmp / f"{deck.stem}-{k}.mp4")
        found[-1].write_bytes(part.blob)
    return found


def test_narrated_renders_make_silent_decks_unless_voice_is_asked_for(tmp_path, capsys):
    media = tmp_path / "media"
    conftest.fake_render(media, "decoder", SECTIONS["decoder"], "480p15", SRT["decoder"], frames=FPS,
                         theme="dark", sound=True)
    out = media / "slides"
    build = ("slides", "--media", media, "--no-progress", "--max-height", "90")
    assert deconv_here(capsys, *build).returncode == 0
    config = json.loads((out / "DecoderScene.json").read_text())
    files = [out.parent / s["file"] for s in config["slides"]]
    assert all(f.is_relative_to(out / "silent" / "decoder") for f in files)
    html_text = (out / "decoder.html").read_text()
    assert html_text.count("data-background-video-muted") == 3
    silent = _embedded_clips(out / "decoder.html", tmp_path) + _pptx_clips(out / "decoder.pptx", tmp_path)
    for f in files + silent:
        assert conftest.sound_of(f)[0] is None, f  # the presenter speaks: the notes hold the script
    # --voice: the clips keep the narration, and the HTML deck plays them unmuted
    res = deconv_here(capsys, *build, "--voice")
    assert res.returncode == 0 and "warning" not in res.stderr
    config = json.loads((out / "DecoderScene.json").read_text())
    assert [out.parent / s["file"] for s in config["slides"]] == [s for s in sorted(
        (media / "videos" / "decoder" / "480p15" / "sections").glob("*.mp4"))]
    assert "data-background-video-muted" not in (out / "decoder.html").read_text()
    voiced = _embedded_clips(out / "decoder.html", tmp_path) + _pptx_clips(out / "decoder.pptx", tmp_path)
    for f in voiced:  # the pptx clips scaled to 90 pixels, their sound kept
        assert conftest.sound_of(f)[0] == "aac", f
    # --voice on silent renders says so
    quiet = tmp_path / "quiet"
    fake_render(quiet, "decoder")
    res = deconv_here(capsys, "slides", "--media", quiet, "--no-progress", "--voice")
    assert res.returncode == 0 and "--voice: these renders are silent" in res.stderr


def test_silent_copies_of_two_qualities_are_kept_apart(tmp_path, capsys):
    """The silent copies were kept by clip name and date only: decks built from a -qm render after
    decks from a -ql one reused the -ql copies, whose names are the same and which are newer. Each
    render folder now has its own, and each deck plays its own quality's clips."""
    media = tmp_path / "media"
    for folder in ("480p15", "720p30"):
        conftest.fake_render(media, "decoder", SECTIONS["decoder"], folder, SRT["decoder"], frames=FPS,
                             theme="dark", sound=True)
    out = media / "slides"
    for quality, folder in (("l", "480p15"), ("m", "720p30")):
        res = deconv_here(capsys, "slides", "--media", media, "--quality", quality, "--no-progress")
        assert res.returncode == 0, res.stderr
        deck = json.loads((out / "DecoderScene.json").read_text())
        files = [out.parent / s["file"] for s in deck["slides"]]
        assert all(f.parent == out / "silent" / "decoder" / folder for f in files), files
        sources = sorted((media / "videos" / "decoder" / folder / "sections").glob("*.mp4"))
        assert [conftest.sound_of(f)[0] for f in files] == [None] * len(sources)
        assert [f.name for f in files] == [f.name for f in sources]
