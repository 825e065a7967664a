"""The overlap video, rendered once: its curves, numbers and subtitles are core.overlap's and
core.story's, computed from the checkpoint."""

import os

import numpy as np
import pytest
from conftest import assert_usage_error, check_render, manim, render_fixture

from core import data, story, weights
from core import overlap as ov

SECTIONS = ["assemble", "why", "halve", "taper", "normalise", "compare", "in-2-d"]
FIXES = {"halve": "halved", "taper": "tapered", "normalise": "normalised"}


render = render_fixture("overlap")


def text(render, section, role):
    """A sentence the scene put on screen under `role` (scenes.overlap.labelled)."""
    return render.scene.pictures[section][role].original_text


@pytest.fixture(scope="module")
def measured(plain):
    """What the video shows, computed here from core: the example's outputs (the example model on one
    curve) and every error over all curves as one statistic, the mean over all plain seeds."""
    curves = data.make_curves()[0]
    models = weights.load_all(variant="plain")
    curve = story.demo_curve()[1]
    return {
        "curves": curves,
        "curve": curve,
        "outputs": story.fixed_outputs(plain, curve),
        "errors": ov.error_table(models, curves),
        "rough": ov.delta2_table(models, curves),
        "table": ov.error_table(models, curves),
        "table_rough": ov.delta2_table(models, curves),
        "seeds": len(models),
    }


def test_render_has_its_sections_and_readable_subtitles(render):
    # silent length: 245 s while why previewed every fix and compare repeated the taper's finding; each
    # fix is now said once, in its own section (224 s, with the whole-curve column)
    check_render(render, SECTIONS, 40, 230)
    assert render.scene.layout_problems == []


def test_assemble_starts_from_the_doubled_output_and_its_error(render, plain, measured):
    outputs, curve = measured["outputs"], measured["curve"]
    np.testing.assert_allclose(render.values("assemble", "output"), outputs["raw"], atol=1e-9)
    np.testing.assert_allclose(outputs["raw"], plain.decode_windows(plain.encode_windows(curve)), atol=1e-12)
    np.testing.assert_allclose(render.values("assemble", "error per sample"), outputs["raw"] - curve,
                               atol=1e-9)
    assert not any(k.startswith("window") for k in render.scene.shown["assemble"])  # no re-run of the placing
    said = render.said("assemble")
    assert said.startswith("Each window's code is decoded into 7 samples, one per tap of its filter; "
                           "the three are placed 4 samples apart and added.")
    e = measured["errors"]["raw"]
    # the errors over all curves are the mean of the ten plain seeds, and say so
    assert f"Mean square error on all curves, mean of ten seeds: {e['interior']:.1e} inside, " \
           f"{e['borders']:.1e} at the borders." in said
    # inside and the borders defined before the errors use them: the borders are what only one window's
    # outer taps reach (core.overlap.outer_only)
    assert list(np.flatnonzero(ov.outer_only())) == [0, 1, 2, 12, 13, 14]
    assert said.index("Inside: samples 3-11. Borders: 0-2, 12-14, reached by one window's outer taps only.") \
        < said.index("Mean square error")
    assert text(render, "assemble", "border rule") == (
        "inside: samples 3-11; borders: 0-2, 12-14, which only one window's outer taps reach")
    # the model said once, in the footer: the plots' model and curve, and what every error is over
    assert render.scene.footer.original_text == (
        f"plots: model plain, seed 22, curve {story.demo_curve()[0]}; errors: mean of "
        f"{measured['seeds']} plain seeds on all {len(measured['curves']):,} curves")
    # the top plot numbers its samples from the first frame
    numbers = render.scene.pictures["assemble"]["output"].plot.axes.x_axis.numbers
    assert [int(n.get_value()) for n in numbers] == list(range(15))


def test_why_draws_the_summed_weight_as_trained_under_the_curve(render, measured):
    """why explains the summed weight on the trained model only: each fix is said once, in its own
    section (issue 28), not previewed here."""
    np.testing.assert_allclose(render.values("why", "output raw"), measured["outputs"]["raw"], atol=1e-9)
    weights = [k for k in render.scene.shown["why"] if k.startswith("summed weight ")]
    assert weights == ["summed weight raw"]
    np.testing.assert_allclose(render.values("why", "summed weight raw"),
                               [1, 1, 1, 1, 2, 2, 2, 1, 2, 2, 2, 1, 1, 1, 1], atol=1e-9)
    said = render.said("why")
    # the premise first, and the multipliers named apart from the trained filter values
    assert said.startswith("Trained on single patches, each window alone redraws its 7 samples.")
    assert "overlaps count twice" in text(render, "why", "premise")
    assert text(render, "why", "rows name") == "tap multipliers, one per trained tap"
    assert "tap weight" not in said and "weigh 1" not in said
    assert "so samples 4-6 and 8-10 count the curve twice" in said
    assert "0.5 + 0.5" not in said and "divide" not in said


def test_why_shows_kernel_8_covering_the_interior_evenly(render, measured):
    k7 = render.values("why", "windows per sample, kernel 7")
    k8 = render.values("why", "windows per sample, kernel 8")
    np.testing.assert_array_equal(k7, ov.coverage(15, 7, 4))
    np.testing.assert_array_equal(k8, ov.coverage(16, 8, 4))
    assert set(k8[ov.regions(16, 8, 4)["interior"]]) == {2} and set(k7[ov.regions()["interior"]]) == {1, 2}
    from manim import ManimColor

    from scenes import theme as th
    for kernel in (7, 8):  # a count is not an error: no red, even where two windows meet
        row = render.scene.pictures["why"][f"windows per sample, kernel {kernel}"]
        assert {ManimColor(t.color) for t in row} == {ManimColor(th.TEXT_COLOR)}
    said = render.said("why")
    assert "With kernel 8 at stride 4, every inside sample gets 2 windows." in said
    assert "Halving every tap would then give 1 inside." in said
    # the same rule for "inside" in both diagrams, and the section ends on its result (chosen by the errors)
    np.testing.assert_array_equal(ov.outer_only(16, 8, 4), ov.regions(16, 8, 4)["borders"])
    assert "only one window's outer taps reach" in text(render, "why", "inside rule")
    e = measured["errors"]
    assert e["normalised"]["whole"] <= 1e-4 < e["raw"]["interior"]
    assert text(render, "why", "result") == "so a sample comes out right where its summed weight is 1"
    assert said.endswith("So a sample comes out right where its summed weight is 1.")


def test_each_fix_draws_its_taps_weights_output_and_error(render, plain, measured):
    outputs, curve = measured["outputs"], measured["curve"]
    for section, fix in FIXES.items():
        np.testing.assert_allclose(render.values(section, "output"), outputs[fix], atol=1e-9)
        np.testing.assert_allclose(render.values(section, "summed weight"), ov.weight_profile(fix), atol=1e-9)
        np.testing.assert_allclose(render.values(section, "error per sample"), outputs[fix] - curve,
                                   atol=1e-9)
        for f in ("raw", fix):
            for r in ov.REGIONS:
                assert render.values(section, f"error {f} {r}") == float(f"{measured['errors'][f][r]:.1e}")
    for section in ("halve", "taper"):
        fix = FIXES[section]
        np.testing.assert_allclose(render.values(section, "tap multipliers"), ov.FIXES[fix], atol=1e-12)
        for i in range(3):
            np.testing.assert_allclose(
                render.values(section, f"filter {i + 1}"), plain.dec_w[i] * ov.FIXES[fix], atol=1e-9
            )
    # each fix's arithmetic where windows meet, said and shown once, in its own section
    halve, taper, norm = (render.said(s) for s in FIXES)
    assert "Where two windows meet, as at sample 4: 0.5 + 0.5 = 1." in halve
    assert "3, 7 and 11 get one middle tap, 1. The borders get 0.5: too low." in halve
    assert text(render, "halve", "sums") == "sample 4: 0.5 + 0.5 = 1"
    assert "Where windows meet, at samples 4 and 5: 0.75 + 0.25 = 1 and 0.5 + 0.5 = 1." in taper
    assert "The borders get 0.25 to 0.75: too low." in taper
    assert "Where two windows meet, as at sample 4: 2 ÷ 2 = 1." in norm
    assert "Every sample, borders included, now gets weight 1." in norm
    assert text(render, "normalise", "sums") == "sample 4: weight 2 ÷ 2 windows = 1"
    for section in FIXES:  # over all curves (the mean of ten seeds: said in assemble, and in the footer)
        assert "On all curves, inside, the error falls" in render.said(section)
    # the border sag is visible on the error axis: the halved borders are off far more than inside
    err = render.values("halve", "error per sample")
    assert np.abs(err[ov.regions()["borders"]]).max() > 5 * np.abs(err[ov.regions()["interior"]]).max()


def test_subtitles_follow_the_error_table(render, measured):
    errors = measured["errors"]
    for section, fix in FIXES.items():
        before, after = errors["raw"], errors[fix]
        said = render.said(section)
        assert f"from {before['interior']:.1e} to {after['interior']:.1e}" in said
        if f"{before['borders']:.1e}" == f"{after['borders']:.1e}":  # normalising keeps the borders
            assert f"At the borders it stays at {after['borders']:.1e}." in said
        else:
            assert f"from {before['borders']:.1e} to {after['borders']:.1e}, too high." in said
    table = measured["table"]
    best = min(table, key=lambda f: table[f]["whole"])
    assert best == "normalised" and "Of the fixes, normalising is both the smoothest and the most accurate" \
        in render.said("compare")
    assert "every inside pixel gets 4 windows" in render.said("in-2-d")  # kernel 4, stride 2


def test_compare_draws_the_four_side_by_side_with_the_table_over_all_seeds(render, measured):
    outputs, curve = measured["outputs"], measured["curve"]
    table, rough = measured["table"], measured["table_rough"]
    for fix in ov.FIXES:
        np.testing.assert_allclose(render.values("compare", f"output {fix}"), outputs[fix], atol=1e-9)
        np.testing.assert_allclose(render.values("compare", f"summed weight {fix}"), ov.weight_profile(fix),
                                   atol=1e-9)
        np.testing.assert_allclose(render.values("compare", f"error per sample {fix}"), outputs[fix] - curve,
                                   atol=1e-9)
        for r in ov.REGIONS:
            assert render.values("compare", f"table {fix} {r}") == float(f"{table[fix][r]:.1e}")
        assert render.values("compare", f"table {fix} delta2") == float(f"{rough[fix]:.1e}")


def test_compare_sets_the_fixes_beside_the_layers_trained_through_the_overlaps(render, measured):
    """The whole-curve models (the same layers trained end to end on whole curves, issue 28) as a
    fifth column: seed 22's output on the example curve, its error on the fixes' scale, the table over
    its ten seeds; the closing sentence chosen by that table against the best fix's."""
    curves, curve, table = measured["curves"], measured["curve"], measured["table"]
    models = sorted(weights.load_all(variant="whole-curve"), key=lambda m: m.seed)
    ck = next(m for m in models if m.seed == 22)
    out = ov.decode_codes(ck, ov.encode_curves(ck, curve))[0]
    np.testing.assert_allclose(render.values("compare", "output whole-curve"), out, atol=1e-9)
    np.testing.assert_allclose(render.values("compare", "error per sample whole-curve"), out - curve,
                               atol=1e-9)
    whole = ov.error_table(models, curves)["raw"]
    for r in ov.REGIONS:
        assert render.values("compare", f"table whole-curve {r}") == float(f"{whole[r]:.1e}")
    best = table["normalised"]
    assert whole["interior"] < best["interior"] and whole["borders"] < best["borders"]  # measured, 10 seeds
    # how many times less, region by region, from the numbers as the table prints them: said and on screen
    def printed(x):
        return float(format(x, ".1e"))

    times = {r: format(round(printed(best[r]) / printed(whole[r]), -1 if r == "borders" else 0), ",.0f")
             for r in ("interior", "borders")}
    assert times == {"interior": "42", "borders": "640"}  # 1.3e-05 / 3.1e-07 and 2.9e-05 / 4.5e-08
    assert render.said("compare").endswith(
        f"Trained through the overlaps, the same layers need no fix: {times['interior']} times less error "
        f"than normalised inside, {times['borders']} times less at the borders.")
    assert text(render, "compare", "verdict 3") == (
        f"whole-curve, no fix: {whole['interior']:.1e} inside, {whole['borders']:.1e} at the borders: "
        f"{times['interior']}× and {times['borders']}× below normalised")


def expected_finding(rough, errors):
    """The C10 sentence as the numbers make it, written out here independently of the scene."""
    t, h = rough["tapered"], rough["halved"]
    if f"{t:.1e}" == f"{h:.1e}":
        word = "as smooth as"
    else:
        word = "smoother than" if t < h else "rougher than"
    ti, hi = errors["tapered"]["interior"], errors["halved"]["interior"]
    if f"{ti:.1e}" == f"{hi:.1e}":
        acc = "as accurate"
    else:
        acc = "more accurate" if ti < hi else "not more accurate"
    join = "and" if (word == "smoother than") == (acc == "more accurate") else "but"
    return (f"Tapered is {word} halved: Δ² error {t:.1e} against {h:.1e},",
            f"{join} {acc} inside: {ti:.1e} against {hi:.1e}.")


def test_the_smoothness_sentence_is_chosen_by_the_measurement(render, measured):
    """C10 said once, in taper, over the same ten seeds as the comparison's table (not repeated there)."""
    first, second = expected_finding(measured["table_rough"], measured["table"])
    assert first in render.said("taper") and second in render.said("taper")
    assert "Tapered is" not in render.said("compare")
    # on the shipped models: smoother (C10 holds as smoothness) but not more accurate inside
    assert "Tapered is smoother than halved" in render.said("taper")
    assert "but not more accurate inside" in render.said("taper")


def test_smoothness_finding_turns_with_the_numbers():
    from scenes.overlap import smoothness_finding

    errs = {"tapered": {"interior": 1.5e-5}, "halved": {"interior": 1.2e-5}}
    first, second = smoothness_finding({"tapered": 0.019, "halved": 0.030}, errs)
    assert first.startswith("Tapered is smoother than halved") and second.startswith("but not more accurate")
    first, second = smoothness_finding({"tapered": 0.040, "halved": 0.030}, errs)
    assert first.startswith("Tapered is rougher than halved") and second.startswith("and not more accurate")
    errs = {"tapered": {"interior": 1.0e-5}, "halved": {"interior": 1.2e-5}}
    first, second = smoothness_finding({"tapered": 0.019, "halved": 0.030}, errs)
    assert second.startswith("and more accurate inside")
    first, _ = smoothness_finding({"tapered": 0.03001, "halved": 0.03002}, errs)
    assert first.startswith("Tapered is as smooth as halved")


def test_unknown_theme_stops_the_render_with_one_line(tmp_path):
    env = {**os.environ, "DECONV_THEME": "sepia"}
    res = manim("render", "-ql", "-s", "--media_dir", tmp_path, "scenes/overlap.py", env=env)
    assert_usage_error(res, "DECONV_THEME='sepia': choose one of dark, light")


def test_a_folder_missing_a_plain_seed_stops_before_the_first_animation(tmp_path):
    """The overlap video reads every plain seed (its error table) as it starts, not in its fifth
    section: a manifest that lists a missing file stops it with one line, nothing rendered."""
    folder = tmp_path / "ck"
    (folder / "plain").mkdir(parents=True)
    for seed in (11, 22):
        name = f"seed_{seed}.safetensors"
        (folder / "plain" / name).write_bytes((weights.DEFAULT_DIR / "plain" / name).read_bytes())
    weights.update_manifest(folder, [folder / "plain" / f"seed_{s}.safetensors" for s in (11, 22)])
    (folder / "plain" / "seed_11.safetensors").unlink()
    env = {**os.environ, "DECONV_CHECKPOINTS": str(folder)}
    res = manim("render", "-ql", "--media_dir", tmp_path / "media", "scenes/overlap.py", env=env)
    assert_usage_error(res, "seed_11.safetensors: file is missing")
    assert not list((tmp_path / "media").rglob("*.mp4"))


def test_fix_sections_name_the_article_and_define_what_they_use(render, measured):
    assert "Visualizing the Deconvolution Operation" in render.said("halve")
    assert text(render, "halve", "article") == "the article: “Visualizing the Deconvolution Operation”"
    assert "plain" not in render.said()
    # taper: the halved row it compares with is in its table (ten seeds), Δ² is defined before it is used
    errors, rough = measured["errors"], measured["rough"]
    for r in ov.REGIONS:
        assert render.values("taper", f"error halved {r}") == float(f"{errors['halved'][r]:.1e}")
    said = render.said("taper")
    assert said.index("Δ² is the second difference") < said.index("Tapered is smoother")
    assert text(render, "taper", "smoothness 1").startswith("Δ²x = x[j] − 2x[j+1] + x[j+2]")
    t, h = rough["tapered"], rough["halved"]
    ti, hi = errors["tapered"]["interior"], errors["halved"]["interior"]
    assert text(render, "taper", "smoothness 3") == f"tapered {t:.1e} vs halved {h:.1e}: smoother"
    assert text(render, "taper", "smoothness 4") == f"but not more accurate inside: {ti:.1e} vs {hi:.1e}"
    assert "STFT" not in render.said()


def test_compare_ends_on_its_verdict_with_the_scales_said(render, measured):
    table, rough = measured["table"], measured["table_rough"]
    best = min(table, key=lambda f: table[f]["whole"])
    assert best == min(rough, key=rough.get) == "normalised"
    assert text(render, "compare", "verdict 1") == (  # of the fixes: the whole-curve column is no fix
        f"of the fixes, normalised: smoothest (Δ² error {rough[best]:.1e}) and most accurate "
        f"({table[best]['whole']:.1e} whole)")
    # normalised equals halved inside by construction (dividing by 2 where two windows meet halves their
    # taps): said as that, not as a finding that the two happen to tie
    tie = f"{table['halved']['interior']:.1e}" == f"{table[best]['interior']:.1e}"
    assert tie
    assert text(render, "compare", "verdict 2").startswith(
        "inside it is halved exactly, by construction (it differs only at the borders)")
    said = render.said("compare")
    assert ("Of the fixes, normalising is both the smoothest and the most accurate. Inside it is the same as "
            "halving, "
            "by construction: dividing by 2 where two windows meet halves their taps. The two differ only "
            "at the borders.") in said
    assert "ties with halved" not in said
    # the as-trained error panel's own scale, said on it
    scale = render.scene.error_scale
    assert scale > 1 and text(render, "compare", "error scale") == f"error axis {scale:.3g}× the others'"


def test_in_2d_says_which_shade_is_more_and_its_conclusion(render):
    from manim import ManimColor

    from scenes import theme as th
    from scenes.overlap import luminance

    more = "brighter" if luminance(th.BACKGROUND_COLOR) < luminance(th.TEXT_COLOR) else "darker"
    assert text(render, "in-2-d", "2-d caption").endswith(f"({more} = more)")
    assert text(render, "in-2-d", "2-d conclusion 1") == (
        "a kernel divisible by the stride covers the inside evenly")
    # the kernel 3 checkerboard divided by its count, as computed: flat; and the claim bounded
    from core import conv

    ones3 = conv.conv_transpose2d(np.ones((1, 5, 5)), np.ones((1, 1, 3, 3)), None, 2)[0]
    np.testing.assert_array_equal(render.values("in-2-d", "windows per pixel, kernel 3"), ones3)
    np.testing.assert_array_equal(render.values("in-2-d", "divided by the count"), np.ones((11, 11)))
    np.testing.assert_allclose(render.scene.flat_2d, 1.0, rtol=0, atol=1e-12)
    said = render.said("in-2-d")
    assert "Divide the kernel 3 output by its count: the constant image comes back constant." in said
    assert "That fix suits a decoder trained on single windows, as this one was." in said
    assert "yet, as Distill's checkerboard article showed, it can still make checkerboards" in said
    assert "Images show" not in said
    assert text(render, "in-2-d", "2-d conclusion 4") == (
        "(Odena, Dumoulin and Olah, “Deconvolution and Checkerboard Artifacts”, Distill, 2016);")
    # a count of windows is shaded in the text colour: red is kept for errors
    grid = render.scene.pictures["in-2-d"]["windows per pixel, kernel 3"]
    assert {ManimColor(sq.get_fill_color()) for sq in grid[0]} == {ManimColor(th.TEXT_COLOR)}
    grid = render.scene.pictures["in-2-d"]["windows per pixel, kernel 4"]
    fours = [t for t in grid[1] if t.original_text == "4"]
    dark_ink = all(ManimColor(t.color) == ManimColor(th.BACKGROUND_COLOR) for t in fours)
    assert fours and dark_ink == (more == "brighter")  # digits that stand out on the strongest cells


def test_the_window_count_line_is_pytorch_code_that_computes_it(render):
    """The PyTorch line on screen in `why`, run as written, gives the window count of every sample."""
    import torch
    import torch.nn.functional as F  # noqa: N812 - the name the line on screen uses

    code = render.scene.count_code
    assert text(render, "why", "count code") == f"window count in PyTorch: {code}"
    counts = eval(code, {"F": F, "torch": torch})  # the line exactly as shown
    np.testing.assert_array_equal(counts[0, 0].numpy(), ov.coverage())
    assert "a transposed convolution of ones with ones" in render.said("why")
