"""The explorer page (`deconv explore`), driven in headless Chromium: its output is PyTorch's for
random 1-D and 2-D settings and values, a setting PyTorch refuses shows core.conv.check's message and
nothing stale, the stamps view and the hover terms add up to the output, and nothing is requested
from any host."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F  # noqa: N812 - PyTorch's own name
from conftest import CHROMIUM
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import conv, explore


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    return explore.write(tmp_path_factory.mktemp("explore") / "explorer.html")


@pytest.fixture(scope="module")
def page(page_file):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "headless Chromium is missing: make setup installs it (apt-get install chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1280, "height": 720})
        pg.requests, pg.errors = [], []
        pg.on("request", lambda r: pg.requests.append(r.url))
        pg.on("pageerror", lambda e: pg.errors.append(str(e)))
        pg.goto(page_file.as_uri())
        yield pg
        browser.close()


FIELDS = ("size", "kernel", "stride", "padding", "output_padding", "dilation")


def set_controls(pg, dims: int, cin: int, cout: int, values: dict) -> None:
    """Click the number of axes, put the setting into the page's fields and let the page read them,
    as a change to the last field does (the page reads its fields at a change, not while typing), in
    one call to the page; the tests that type (`fill`, arrow keys) go through the keyboard."""
    fields = [[f"f-{name}", ", ".join(map(str, values[name]))] for name in FIELDS]
    pg.evaluate("""([dims, fields]) => {
        const radio = document.getElementById(`dims-${dims}`);
        if (!radio.checked) radio.click();
        for (const [id, value] of fields) document.getElementById(id).value = value;
        document.getElementById("f-cout").dispatchEvent(new Event("change"));
    }""", [dims, [*fields, ["f-cin", str(cin)], ["f-cout", str(cout)]]])


def set_values(pg, x, w, b) -> None:
    pg.evaluate("([x, w, b]) => { const s = window.explorer.state; s.x = x; s.w = w; s.b = b; "
                "s.bias = b !== null; window.explorer.writeControls(); window.explorer.render(); }",
                [x.tolist(), w.tolist(), None if b is None else b.tolist()])


def shown(pg):
    text = pg.evaluate("document.body.dataset.result")
    return json.loads(text) if text else None


@st.composite
def cases(draw):
    dims = draw(st.sampled_from([1, 2]))
    axis = {name: [draw(st.integers(lo, hi)) for _ in range(dims)] for name, lo, hi in (
        ("size", 1, 5), ("kernel", 1, 4), ("stride", 1, 4), ("padding", 0, 4), ("output_padding", 0, 3),
        ("dilation", 1, 3))}
    cin, cout = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**31 - 1))
    bias = draw(st.booleans())
    return dims, axis, cin, cout, seed, bias


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_the_page_computes_what_pytorch_does_or_refuses_as_it_does(page, case):
    dims, axis, cin, cout, seed, bias = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(cin, *axis["size"]))
    w = rng.normal(size=(cin, cout, *axis["kernel"]))
    b = rng.normal(size=cout) if bias else None
    set_controls(page, dims, cin, cout, axis)
    set_values(page, x, w, b)
    try:
        conv.check(axis["size"], axis["kernel"], axis["stride"], axis["padding"], axis["output_padding"],
                   axis["dilation"])
        refused = None
    except conv.ConvError as e:
        refused = str(e)
    if refused is not None:  # PyTorch refuses it too, and the page says so in core.conv's words
        assert page.text_content("#refused") == refused
        # said beside the field it names too (a length below 1: beside padding), and only there
        field = refused.split("=")[0].split("[")[0] if not refused.startswith("output length") else "padding"
        beside = {k: page.text_content(f'[data-error="{k}"]') for k in FIELDS}
        assert beside == {k: f"PyTorch refuses this: {refused}" if k == field else "" for k in FIELDS}
        assert page.text_content("#formula").endswith("(no output: PyTorch refuses this setting, see below)")
        assert shown(page) is None and page.input_value("#pytorch") == ""  # nothing stale
        fn = F.conv_transpose1d if dims == 1 else F.conv_transpose2d
        with pytest.raises(RuntimeError):
            fn(torch.tensor(x[None]), torch.tensor(w), None if b is None else torch.tensor(b),
               stride=axis["stride"], padding=axis["padding"], output_padding=axis["output_padding"],
               dilation=axis["dilation"])
        return
    fn = F.conv_transpose1d if dims == 1 else F.conv_transpose2d
    want = fn(torch.tensor(x[None]), torch.tensor(w), None if b is None else torch.tensor(b),
              stride=axis["stride"], padding=axis["padding"], output_padding=axis["output_padding"],
              dilation=axis["dilation"])[0].numpy()
    got = np.array(shown(page))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)
    assert page.errors == []


def test_the_copied_pytorch_line_computes_what_the_page_shows(page):
    set_controls(page, 2, 2, 1, {"size": [2, 3], "kernel": [3, 2], "stride": [2, 1], "padding": [1, 0],
                                 "output_padding": [1, 0], "dilation": [1, 2]})
    rng = np.random.default_rng(3)
    x, w = rng.integers(-3, 4, (2, 2, 3)).astype(float), rng.integers(-2, 3, (2, 1, 3, 2)).astype(float)
    set_values(page, x, w, np.array([0.5]))
    code = page.input_value("#pytorch")
    formula = page.text_content("#formula")  # each axis named, its numbers filled in
    assert "rows: (2 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 4" in formula
    assert "columns: (3 − 1)·1 − 2·0 + 2·(2 − 1) + 0 + 1 = 5" in formula
    assert "# (C_in, C_out, kH, kW)" in code
    scope = {}
    exec(code, scope)  # the lines exactly as the page gives them
    np.testing.assert_allclose(scope["y"][0].numpy(), np.array(shown(page)), rtol=0, atol=1e-12)
    assert "deconv explain --kernel 3x2 --stride 2x1 --padding 1x0 --output-padding 1x0 --dilation 1x2" \
        in code


def test_stamps_and_hover_add_up_to_the_output(page):
    set_controls(page, 1, 2, 2, {"size": [4], "kernel": [3], "stride": [2], "padding": [1],
                                 "output_padding": [1], "dilation": [1]})
    rng = np.random.default_rng(5)
    set_values(page, rng.normal(size=(2, 4)), rng.normal(size=(2, 2, 3)), rng.normal(size=2))
    out = np.array(shown(page))
    # the stamps view's sum row of each output channel is the output
    tables = page.query_selector_all(".stamptable")
    assert len(tables) == 2
    for o, t in enumerate(tables):
        cells = [c.text_content() for c in t.query_selector_all(".sums td") if "cropped" not in
                 (c.get_attribute("class") or "")]
        np.testing.assert_allclose([float(v) for v in cells], out[o], atol=5e-4)  # shown to 3 places
    # hover an output cell: its terms and the bias add up to it, and the cells that made it light up
    cell = page.query_selector_all(".out")[1].query_selector('[data-pos="3"]')
    cell.hover()
    terms = json.loads(page.get_attribute("#why", "data-terms"))
    bias = float(page.get_attribute("#why", "data-bias"))
    assert len(terms) == 4  # two input channels, two taps each reach sample 3 at stride 2
    assert sum(terms) + bias == pytest.approx(out[1][3], abs=1e-12)
    assert page.text_content("#why").startswith("out[1][3] = x[0][1]·w[0][1][2]")
    assert page.text_content("#why-key").startswith("out[output channel][position]")
    assert len(page.query_selector_all(".in td.lit")) == 4
    assert len(page.query_selector_all(".kern td.lit")) == 4
    # keyboard: the output cells are in the tab order, and focus does what hover does
    page.evaluate("""document.querySelectorAll('.out')[1].querySelector('[data-pos="2"]').focus()""")
    assert page.text_content("#why").startswith("out[1][2] = ")
    page.keyboard.press("Tab")
    assert page.text_content("#why").startswith("out[1][3] = ")


def test_bad_input_gets_a_message_beside_the_field_and_no_stale_output(page):
    set_controls(page, 1, 1, 1, {"size": [4], "kernel": [3], "stride": [2], "padding": [1],
                                 "output_padding": [1], "dilation": [1]})
    assert shown(page) is not None
    page.fill("#f-stride", "two")
    page.dispatch_event("#f-stride", "change")
    assert page.text_content('[data-error="stride"]') == 'stride: "two" is not a whole number'
    assert shown(page) is None
    assert page.text_content("#refused").startswith("a field above has no valid value")
    page.fill("#f-stride", "40")
    page.dispatch_event("#f-stride", "change")
    assert "at most 6 here" in page.text_content('[data-error="stride"]')
    page.fill("#f-stride", "")
    page.dispatch_event("#f-stride", "change")
    assert page.text_content('[data-error="stride"]') == "stride: empty; type a whole number"
    page.fill("#f-stride", "2")
    page.dispatch_event("#f-stride", "change")
    assert page.text_content('[data-error="stride"]') == "" and shown(page) is not None
    # a non-number typed in a value cell: said beside the values, the value kept
    cell = page.query_selector(".in input")
    cell.fill("abc")
    cell.dispatch_event("change")
    assert page.text_content("#values-error") == 'x[0] 0: "abc" is not a number'


def test_the_article_preset_is_the_trained_decoder_and_nothing_leaves_the_page(page, page_file):
    from core import explain, story, weights

    page.select_option("#preset", "article")
    ck = weights.load_checkpoint("plain", 22)
    bd = explain.article(ck, story.demo_curve()[1])
    np.testing.assert_allclose(np.array(shown(page)), bd.output, rtol=0, atol=1e-9)
    assert page.input_value("#f-stride") == "4" and page.input_value("#f-cin") == "3"
    # the article's windows: 1 stamp, then 2 where two windows overlap (4-6, 8-10), PyTorch's count
    assert page.text_content("#evenness") == "Stamps per sample: 1 1 1 1 2 2 2 1 2 2 2 1 1 1 1; too few " \
        "inputs for a repeating inside, which with more inputs would go 2 2 2 1: uneven (kernel 7 is not a " \
        "multiple of stride 4)."
    page.click("#random")
    a = shown(page)
    page.click("#random")
    assert shown(page) == a  # the same seed, the same integers
    page.fill("#f-seed", "1")
    page.press("#f-seed", "Enter")
    assert shown(page) != a
    page.fill("#f-seed", "-1")
    page.click("#random")
    assert page.text_content('[data-error="seed"]') == "seed: a whole number, 0 or more"
    assert page.requests == [page_file.as_uri()]  # nothing from any host, not even a font
    assert page.errors == []


def test_explore_keeps_a_file_it_did_not_write_and_replaces_its_own(tmp_path):
    from conftest import assert_usage_error

    from core import cli

    mine = tmp_path / "explorer.html"
    assert cli.main(["explore", "--out", str(mine)]) == 0
    assert explore.GENERATOR in mine.read_text()
    assert cli.main(["explore", "--out", str(mine), "--theme", "light"]) == 0  # its own: replaced
    assert '"theme":"light"' in mine.read_text()
    theirs = tmp_path / "notes.html"
    theirs.write_text("<p>my notes</p>")
    res = run_cli(["explore", "--out", str(theirs)])
    assert_usage_error(res, f"{theirs}: not a page deconv explore wrote; choose another --out, or --force")
    assert theirs.read_text() == "<p>my notes</p>"
    assert run_cli(["explore", "--out", str(tmp_path)]).returncode == 2  # a folder, not a file
    assert cli.main(["explore", "--out", str(theirs), "--force"]) == 0
    assert explore.GENERATOR in theirs.read_text()


def run_cli(args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "core.cli", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("setting", [
    {"size": [4], "kernel": [3], "stride": [2], "padding": [1], "output_padding": [1], "dilation": [1]},
    {"size": [3], "kernel": [4], "stride": [3], "padding": [4], "output_padding": [2], "dilation": [2]},
])
def test_zero_insertion_and_the_matrix_give_the_output(page, setting):
    """The zero-insertion view's input is core.conv.zero_inserted's and each of its dot products,
    stepped through with the arrow keys, is the output sample; the matrix Cᵀ times the input is the
    output (one channel each way)."""
    cin = 2
    set_controls(page, 1, cin, 1, setting)
    rng = np.random.default_rng(7)
    x, w, b = rng.normal(size=(cin, *setting["size"])), rng.normal(size=(cin, 1, *setting["kernel"])), \
        rng.normal(size=1)
    set_values(page, x, w, b)
    out = np.array(shown(page))[0]
    axes = {n: setting[n][0] for n in ("kernel", "stride", "padding", "output_padding", "dilation")}
    z = conv.zero_inserted(x, **axes)
    for c in range(cin):
        drawn = json.loads(page.get_attribute(f'.zerotable[data-c="{c}"]', "data-z"))
        np.testing.assert_allclose(drawn, z[c], rtol=0, atol=1e-12)
    # each zero-inserted cell says what it is: an input value, a zero put between, a border zero
    cells = page.query_selector_all('.zerotable[data-c="0"] td')
    kinds = [td.get_attribute("class").split()[0] for td in cells]
    s, k, p, op, d = (axes[n] for n in ("stride", "kernel", "padding", "output_padding", "dilation"))
    border = d * (k - 1) - p
    assert kinds.count("zv") == setting["size"][0] and kinds.count("zi") == (setting["size"][0] - 1) * (s - 1)
    assert kinds[:max(0, border)] == ["zb"] * max(0, border)
    assert kinds[-op:] == ["zo"] * op  # output_padding's zeros at the end, told from the border's
    # hovering an output cell moves the window there and lights that row of Cᵀ
    page.query_selector(f'.out [data-pos="{len(out) - 1}"]').hover()
    assert page.text_content("#zero-dot").startswith(f"out[0][{len(out) - 1}] = ")
    assert page.get_attribute(".matrixtable tr.lit-row", "data-row") == str(len(out) - 1)
    # one view at a time: the zero-insertion tab hides the stamps
    page.click('#tabs [data-view="stamps"]')
    assert page.is_visible(".stamps") and not page.is_visible(".zeros")
    page.click('#tabs [data-view="zeros"]')
    assert page.is_visible(".zeros") and not page.is_visible(".stamps")
    cell = page.query_selector(f'.out [data-pos="{len(out) - 1}"]')
    page.mouse.move(0, 0)
    cell.hover()  # the same cell again: the window stays lit (it once went dark)
    assert len(page.query_selector_all('.zerotable[data-c="0"] td.lit')) == setting["kernel"][0]
    page.click(".steps button >> nth=0")  # ◀: one back
    assert page.text_content("#zero-dot").startswith(f"out[0][{len(out) - 2}] = ")
    page.query_selector('.out [data-pos="0"]').hover()
    page.focus(".zeros")
    for j in range(len(out)):
        assert float(page.get_attribute("#zero-dot", "data-value")) == pytest.approx(out[j], abs=1e-12)
        assert page.text_content("#zero-dot").startswith(f"out[0][{j}] = ")
        page.keyboard.press("ArrowRight")
    # the matrix of output channel 0: a column block per input channel, each core.conv's Cᵀ
    C = np.array(json.loads(page.get_attribute(".matrixtable", "data-matrix")))
    np.testing.assert_allclose(C @ x.reshape(-1) + b[0], out, rtol=0, atol=1e-12)
    n = setting["size"][0]
    # focus an input cell (the keyboard's hover): its stamp row is marked and its column of Cᵀ lit
    page.focus('.in >> nth=1 >> td[data-pos="2"] input')
    assert page.get_attribute(".stamp.picked", "data-c") == "1" and \
        page.get_attribute(".stamp.picked", "data-i") == "2"
    assert page.get_attribute(".matrixtable th.col", "data-col") == str(n + 2)
    lit = [float(td.text_content()) for td in page.query_selector_all(".matrixtable td.col")]
    np.testing.assert_allclose(lit, C[:, n + 2], rtol=0, atol=1e-3)  # drawn to 3 decimals
    for c in range(cin):
        want = conv.transposed_matrix(w[c, 0], n, **{k: v for k, v in axes.items() if k != "kernel"})
        np.testing.assert_allclose(C[:, c * n:(c + 1) * n], want, rtol=0, atol=1e-12)


def test_the_index_links_the_explorer_where_it_is_written(tmp_path):
    from core import videos

    media = tmp_path / "media"
    (media / "videos").mkdir(parents=True)
    out, _ = videos.write_index(media)
    assert "explorer.html" not in out.read_text()  # nothing to link yet
    explore.write(media / "explorer.html")
    out, _ = videos.write_index(media)
    assert '<a href="explorer.html">explorer.html</a>' in out.read_text()


def test_arrow_keys_step_a_setting_and_the_output_follows(page):
    """A presenter asked "and with stride 3?": one key press in the field, and the output is PyTorch's
    for the new setting."""
    set_controls(page, 1, 1, 1, {"size": [4], "kernel": [3], "stride": [2], "padding": [0],
                                 "output_padding": [0], "dilation": [1]})
    x, w = np.array([[1.0, 2, 3, 4]]), np.array([[[1.0, 2, 3]]])
    set_values(page, x, w, None)
    page.focus("#f-stride")
    page.keyboard.press("ArrowUp")
    assert page.input_value("#f-stride") == "3"
    want = F.conv_transpose1d(torch.tensor(x[None]), torch.tensor(w), stride=3)[0].numpy()
    np.testing.assert_allclose(np.array(shown(page)), want, rtol=0, atol=1e-12)
    page.keyboard.press("ArrowDown")
    assert page.input_value("#f-stride") == "2" and len(shown(page)[0]) == 9


def test_large_type_grows_the_whole_page(page):
    cell = ".out td"
    before = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{cell}')).fontSize)")
    page.check("#large")
    page.dispatch_event("#large", "change")
    after = page.evaluate(f"parseFloat(getComputedStyle(document.querySelector('{cell}')).fontSize)")
    assert after >= 1.25 * before  # the cells grow with the text, not only the body copy
    page.uncheck("#large")
    page.dispatch_event("#large", "change")


def test_zero_insertion_and_the_matrix_in_2d(page):
    """2-D: the zero-inserted grid is core.conv.zero_inserted's, and the flipped kernel, stepped over
    every output pixel with the arrow keys, gives each pixel's value; Cᵀ (pixels row by row, a column
    block per input channel) times the inputs, plus the bias, is the output."""
    setting = {"size": [2, 3], "kernel": [2, 3], "stride": [2, 1], "padding": [1, 0],
               "output_padding": [1, 0], "dilation": [1, 2]}
    set_controls(page, 2, 2, 1, setting)
    rng = np.random.default_rng(11)
    x, w, b = rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 1, 2, 3)), rng.normal(size=1)
    set_values(page, x, w, b)
    out = np.array(shown(page))[0]
    z = conv.zero_inserted(x, (2, 3), (2, 1), (1, 0), (1, 0), (1, 2))
    for c in range(2):
        drawn = json.loads(page.get_attribute(f'.zerotable[data-c="{c}"]', "data-z"))
        np.testing.assert_allclose(drawn, z[c], rtol=0, atol=1e-12)
    # each cell's kind from both axes: bold exactly where an input value sits; the last row (rows'
    # output_padding 1) all output_padding's, even where the column pass put a zero between
    kinds = np.array([[td.get_attribute("class").split()[0] for td in tr.query_selector_all("td")]
                      for tr in page.query_selector_all('.zerotable[data-c="0"] tr')])
    np.testing.assert_array_equal(kinds == "zv", z[0] != 0)
    assert set(kinds[-1]) == {"zo"} and "zo" not in kinds[:-1]
    # one stamp at a time (hover an input cell): every stamp added up, plus the bias, is the output
    total = np.zeros_like(out)
    for c, table in enumerate(page.query_selector_all(".in")):
        for td in table.query_selector_all("td"):
            td.hover()
            r, col = map(int, td.get_attribute("data-pos").split(","))
            placed = np.array(json.loads(page.get_attribute(".stampgrid", "data-placed")))
            assert page.text_content(".stamp2d .note").startswith(f"x[{c}][{r},{col}] = ")
            total += placed
    np.testing.assert_allclose(total + b[0], out, rtol=0, atol=1e-12)
    # the count map says which shade means more, in the theme shown
    assert "(brighter: more)" in page.text_content(".counts")
    page.select_option("#theme", "light")
    assert "(darker: more)" in page.text_content(".counts")
    page.select_option("#theme", "dark")
    C = np.array(json.loads(page.get_attribute(".matrixtable", "data-matrix")))  # pixels row by row
    np.testing.assert_allclose(C @ x.reshape(-1) + b[0], out.reshape(-1), rtol=0, atol=1e-12)
    page.click('#tabs [data-view="zeros"]')
    page.focus(".zeros")
    for r in range(out.shape[0]):
        for _ in range(out.shape[1]):
            page.keyboard.press("ArrowLeft")
        for col in range(out.shape[1]):
            assert page.text_content("#zero-dot").startswith(f"out[0][{r},{col}] = ")
            value = float(page.get_attribute("#zero-dot", "data-value"))
            assert value == pytest.approx(out[r, col], abs=1e-12)
            page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowDown")


def test_a_matrix_too_large_to_read_is_said_not_drawn(page):
    set_controls(page, 2, 3, 1, {"size": [6, 6], "kernel": [3, 3], "stride": [2, 2], "padding": [0, 0],
                                 "output_padding": [0, 0], "dilation": [1, 1]})
    assert page.query_selector(".matrixtable") is None
    assert "Cᵀ has 169 rows and 108 columns here: more than the page draws readably" in \
        page.text_content(".matrix")


def test_presets_keep_the_axes_and_the_checkerboard_is_the_stamp_count(page):
    """The 2x-upsampling and kernel-4 presets set every axis of the 2-D setting shown (they once left
    a 1-D kernel in a 2-D setting and drew nothing); the checkerboard preset (every input and tap 1, no
    bias) gives an output equal to the stamp-count map drawn beside it, as torch computes it."""
    import torch

    page.check("#dims-2")
    page.fill("#f-size", "4")
    page.dispatch_event("#f-size", "change")
    page.select_option("#preset", "upsample")
    assert page.evaluate("explorer.state.setting.kernel") == [3, 3]
    assert np.array(shown(page)).shape[1:] == (8, 8)  # input 4 x 4, doubled
    page.select_option("#preset", "checkerboard")
    out = np.array(shown(page))[0]
    want = torch.nn.functional.conv_transpose2d(torch.ones(1, 1, 4, 4, dtype=torch.float64),
                                                torch.ones(1, 1, 3, 3, dtype=torch.float64), stride=2,
                                                padding=1, output_padding=1)[0, 0].numpy()
    np.testing.assert_array_equal(out, want)
    counts = [[int(td.text_content()) for td in tr.query_selector_all("td")]
              for tr in page.query_selector_all("#counts .countmap tr:not(.idx)")]
    np.testing.assert_array_equal(counts, out)
    assert set(np.unique(out)) == {1, 2, 4}  # the checkerboard: 1, 2 and 4 stamps side by side
    assert page.is_visible("#counts")
    assert page.text_content("#evenness") == (
        "rows and columns: inside, samples get 2 or 1 stamps in turn: uneven (kernel 3 is not a multiple of "
        "stride 2): a checkerboard inside")
    assert page.input_value("#preset") == "checkerboard"  # the preset shown stays named
    assert page.text_content("#preset-about").startswith("inputs and taps all 1, kernel 3, stride 2")
    page.select_option("#preset", "even")
    assert page.text_content("#evenness") == ("rows and columns: inside, every sample gets 2 stamp(s): even "
                                              "(kernel 4 is a multiple of stride 2): no checkerboard, "
                                              "only the borders get fewer stamps")
    page.fill("#f-stride", "2, 3")
    page.dispatch_event("#f-stride", "change")
    assert page.input_value("#preset") == ""  # changed by hand: no longer the preset
    assert page.text_content("#preset-about") == ""
    assert page.text_content("#evenness").endswith("columns uneven: stripes inside")
    page.select_option("#preset", "start")
    assert shown(page) == [[2, 5, 4, 9, 6, 13, 8, 12]]  # the page as it opens
    assert page.text_content("#evenness") == "Inside, samples get 2 or 1 stamps in turn: uneven (kernel 3 " \
        "is not a multiple of stride 2)."


def test_the_address_holds_the_setting_and_a_link_opens_it(page, page_file):
    """A presenter bookmarks a setting, or links it from a slide: the page's address after a change
    opens a fresh page on the same setting, values and output; an address the page cannot read is
    said in one line and the page opens as usual."""
    setting = {"size": [2, 3], "kernel": [3, 2], "stride": [2, 3], "padding": [1, 0],
               "output_padding": [1, 2], "dilation": [1, 1]}
    set_controls(page, 2, 2, 1, setting)
    rng = np.random.default_rng(13)
    set_values(page, rng.integers(-3, 4, size=(2, 2, 3)).astype(float),
               rng.normal(size=(2, 1, 3, 2)), rng.normal(size=1))
    out = shown(page)
    assert "#dims=2&size=2x3&kernel=3x2&stride=2x3" in page.url
    other = page.context.browser.new_page(viewport={"width": 1280, "height": 720})
    other.goto(page.url)
    assert shown(other) == out  # the same numbers, to the last bit
    assert [other.input_value(f"#f-{n}") for n in FIELDS] == [page.input_value(f"#f-{n}") for n in FIELDS]
    # an address with values that do not fit: said, and the page as it opens
    other.goto(page_file.as_uri() + "#dims=1&size=4&kernel=3&stride=2&padding=1&output_padding=1&dilation=1"
               "&cin=1&cout=1&x=1,2,3&w=1,2,3")
    other.reload()
    assert other.text_content("#values-error") == (
        "the address's setting was not read (the values do not fit the shapes the setting gives); the page "
        "opens as usual instead")
    assert shown(other) == [[2, 5, 4, 9, 6, 13, 8, 12]]
    other.close()
