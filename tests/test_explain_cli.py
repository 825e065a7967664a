"""`deconv explain`: the transposed convolution step by step, as text and as JSON, checked against
torch.nn.functional.conv_transpose1d/2d and core.conv; bad options are one line and exit 2.
In process (conftest's `deconv_here`), nothing rendered."""

import json
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import assert_usage_error, deconv_here

from core import conv, story, weights


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """The text wraps to the terminal's width (COLUMNS when not a terminal): fixed here."""
    monkeypatch.setenv("COLUMNS", "200")


def explain(capsys, *args) -> str:
    res = deconv_here(capsys, "explain", *args)
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""
    return res.stdout


def explain_json(capsys, *args) -> dict:
    out = explain(capsys, *args, "--json")
    assert len(out.strip().splitlines()) == 1  # exactly one JSON object
    return json.loads(out)


def torch_of(j: dict) -> np.ndarray:
    """PyTorch's output for the JSON's own input, weight, bias and settings."""
    x, w = torch.tensor(j["input"], dtype=torch.float64), torch.tensor(j["weight"], dtype=torch.float64)
    b = None if j["bias"] is None else torch.tensor(j["bias"], dtype=torch.float64)
    f = F.conv_transpose1d if x.ndim == 2 else F.conv_transpose2d
    settings = {k: j[k] if isinstance(j[k], int) else tuple(j[k])
                for k in ("stride", "padding", "output_padding", "dilation")}
    return f(x, w, b, **settings).numpy()


def numbers(text: str) -> list[float]:
    return [float(v) for v in text.split()]


def output_row(text: str) -> list[float]:
    """The 1-D output line's numbers: on its line, or, wrapped, below it in blocks of indices then
    values (the indices checked to count on)."""
    lines = text.splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("output y,"))
    found = numbers(lines[k].partition("):")[2])
    if found:
        return found
    k = next(i for i in range(k, len(lines)) if lines[i].endswith("):"))  # the label, wrapped
    end = next(i for i, line in enumerate(lines) if line.startswith("output length"))
    blocks = "\n".join(lines[k + 1:end]).split("\n\n")
    for block in blocks:
        head, values = block.splitlines()
        assert numbers(head) == list(range(len(found), len(found) + len(numbers(values))))
        found += numbers(values)
    return found


def grid_after(text: str, title: str) -> np.ndarray:
    """The grid printed under the line starting with `title` (its column indices, then rows that
    start with the row index)."""
    lines = text.splitlines()
    k = next(i for i, line in enumerate(lines) if line.lstrip().startswith(title))
    rows = []
    for line in lines[k + 2:]:
        words = line.split()
        if not words or not re.fullmatch(r"\d+", words[0]) or int(words[0]) != len(rows):
            break
        rows.append(numbers(" ".join(words[1:])))
    return np.array(rows)


def test_default_json_is_pytorchs_computation(capsys):
    j = explain_json(capsys)
    assert (j["stride"], j["padding"], j["output_padding"], j["dilation"]) == (2, 1, 1, 1)
    assert np.array(j["input"]).shape == (1, 4) and np.array(j["weight"]).shape == (1, 1, 3)
    assert j["bias"] is None
    np.testing.assert_allclose(j["output"], torch_of(j), atol=1e-12)


def test_default_text_follows_the_implementation(capsys):
    out = explain(capsys)
    lines = out.splitlines()
    assert lines[0] == ("ConvTranspose1d(1, 1, kernel_size=3, stride=2, padding=1, output_padding=1, "
                        "dilation=1, bias=False)")
    x, w = np.array([[1.0, 2, 3, 1]]), np.array([[[1.0, 2, 3]]])
    y = conv.conv_transpose1d(x, w, None, 2, 1, 1, 1)[0]
    assert output_row(out) == y.tolist() == [2, 5, 4, 9, 6, 10, 2, 3]
    # the stamped sum before cropping, and how many stamps reach each sample
    sums = next(line for line in lines if line.split()[:1] == ["sum"])
    assert numbers(sums.split(None, 1)[1]) == [1, 2, 5, 4, 9, 6, 10, 2, 3]
    assert any(line.split() == ["stamps", *"1 1 2 1 2 1 2 1 1".split()] for line in lines)
    assert any(line.split() == ["x[1]=2", "*", "w", "2", "4", "6"] for line in lines)
    assert "2. padding 1 crops 1 sample from each end of 0-8: samples 1-7 remain" in out
    assert "3. output_padding 1 keeps 1 more sample at the end: sample 8 (3)" in out
    assert "= (4 - 1)*2 - 2*1 + 1*(3 - 1) + 1 + 1 = 8" in out


def test_given_input_and_weight(capsys):
    args = ("--input", "1 2 3 4", "--weight", "1 0 -1", "--stride", "3", "--padding", "0",
            "--output-padding", "2", "--bias", "0.5")
    j = explain_json(capsys, *args)
    assert j["input"] == [[1, 2, 3, 4]] and j["weight"] == [[[1, 0, -1]]] and j["bias"] == [0.5]
    want = conv.conv_transpose1d([[1, 2, 3, 4]], [[[1, 0, -1]]], [0.5], 3, 0, 2)[0]
    np.testing.assert_allclose(j["output"], [want], atol=1e-12)
    np.testing.assert_allclose(j["output"], torch_of(j), atol=1e-12)
    out = explain(capsys, *args)
    assert output_row(out) == pytest.approx(want.tolist(), abs=5e-4)
    assert "4. bias 0.500 is added to every output sample" in out
    assert "samples 12-13 (zero, beyond every stamp)" in out  # the stamps reach sample 11
    assert f"= (4 - 1)*3 - 2*0 + 1*(3 - 1) + 2 + 1 = {want.size}" in out


def test_several_input_channels(capsys):
    j = explain_json(capsys, "--input", "1 2 3 | 4 5 6", "--weight", "1 -1 | 2 0", "--padding", "0")
    assert np.array(j["input"]).shape == (2, 3) and np.array(j["weight"]).shape == (2, 1, 2)
    np.testing.assert_allclose(j["output"], torch_of(j), atol=1e-12)
    out = explain(capsys, "--input", "1 2 3 | 4 5 6", "--weight", "1 -1 | 2 0", "--padding", "0")
    assert out.startswith("ConvTranspose1d(2, 1, kernel_size=2,")
    assert any(line.split() == ["x[1,2]=6", "*", "w[1]", "12", "0"] for line in out.splitlines())
    assert output_row(out) == j["output"][0]


def test_2d(capsys):
    args = ("--size", "3x4", "--kernel", "3x2", "--stride", "2x1", "--padding", "1x0",
            "--output-padding", "1x0", "--dilation", "1x2", "--seed", "7")
    j = explain_json(capsys, *args)
    assert j["stride"] == [2, 1] and j["dilation"] == [1, 2]
    assert np.array(j["input"]).shape == (1, 3, 4) and np.array(j["weight"]).shape == (1, 1, 3, 2)
    np.testing.assert_allclose(j["output"], torch_of(j), atol=1e-12)
    out = explain(capsys, *args)
    assert out.startswith("ConvTranspose2d(1, 1, kernel_size=(3, 2), stride=(2, 1)")
    y = np.array(j["output"])[0]
    np.testing.assert_array_equal(grid_after(out, "output y,"), y)
    assert f"= (3 - 1)*2 - 2*1 + 1*(3 - 1) + 1 + 1 = {y.shape[0]}" in out
    assert f"= (4 - 1)*1 - 2*0 + 2*(2 - 1) + 0 + 1 = {y.shape[1]}" in out
    counts = grid_after(out, "stamps reaching each output sample")
    assert counts.shape == y.shape and counts.min() >= 0


def test_2d_checkerboard_counts_and_placements(capsys):
    out = explain(capsys, "--input", "1 2; 3 4", "--weight", "1 1 1; 1 1 1; 1 1 1")
    assert "x[0,1]=2 * w at rows 0-2, columns 2-4" in out
    # kernel 3, stride 2: the stamps overlap on every other row and column
    np.testing.assert_array_equal(grid_after(out, "stamps reaching each output sample"),
                                  [[1, 2, 1, 1], [2, 4, 2, 2], [1, 2, 1, 1], [1, 2, 1, 1]])
    want = conv.conv_transpose2d([[[1, 2], [3, 4]]], np.ones((1, 1, 3, 3)), None, 2, 1, 1)[0]
    np.testing.assert_array_equal(grid_after(out, "output y,"), want)


def test_article_equals_the_checkpoints_decoder(capsys):
    ck = weights.load_checkpoint("plain", 22)
    curve = story.demo_curve()[1]
    want = ck.decode_windows(ck.encode_windows(curve))
    j = explain_json(capsys, "--article")
    np.testing.assert_allclose(np.array(j["output"])[0], want, atol=1e-12)
    assert np.array(j["input"]).shape == (3, 3) and np.array(j["weight"]).shape == (3, 1, 7)
    np.testing.assert_allclose(j["output"], torch_of(j), atol=1e-9)
    out = explain(capsys, "--article", "--model-seed", "22", "--variant", "plain")
    assert out.startswith("ConvTranspose1d(3, 1, kernel_size=7, stride=4, padding=0")
    assert output_row(out) == pytest.approx(want, abs=5e-4)
    assert "x[2,2]=" in out and "= (3 - 1)*4 - 2*0 + 1*(7 - 1) + 0 + 1 = 15" in out


def test_wide_output_wraps_without_cutting_numbers(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    args = ("--size", "40", "--seed", "3", "--bias", "0.25")
    out = explain(capsys, *args)
    y = explain_json(capsys, *args)["output"][0]
    assert max(map(len, out.splitlines()[1:-2])) <= 50  # the header and the formula are not wrapped
    assert output_row(out) == pytest.approx(y, abs=5e-4) and len(y) == 80


@pytest.mark.parametrize("args, needles", [
    (["--output-padding", "2"], ["--output-padding 2", "smaller than stride (2) or dilation (1)",
                                 "--output-padding 1"]),
    (["--stride", "1"], ["--output-padding 1 (the default)", "--output-padding 0"]),
    (["--padding", "5"], ["below 1", "use --padding 4 or less"]),
    (["--kernel", "3x3", "--padding", "1x9"], ["columns:", "use --padding 1x3 or less"]),
    (["--size", "3x3", "--padding", "5"], ["rows:", "use --padding 3x3 or less"]),  # both axes at once
    (["--strid", "3"], ["unrecognized arguments: --strid 3", "(see deconv explain --help)"]),
    (["--output-padding", "2x1"], ["--output-padding 2 (rows)"]),
    (["--kernel", "abc"], ["--kernel", "'abc'"]),
    (["--stride", "2.5"], ["--stride", "'2.5'"]),
    (["--kernel", "3x3x3"], ["--kernel"]),
    (["--kernel", "40"], ["--kernel 40", "16 or less"]),
    (["--dilation", "0"], ["--dilation 0", "at least 1"]),
    (["--input", "1 2 x"], ["--input", "'x' is not a number"]),
    (["--input", "1 2 inf"], ["--input", "not a finite number"]),
    (["--weight", ""], ["--weight", "is empty"]),
    (["--input", "1 2; 3"], ["--input", "row 2 of 2 has 1 value but row 1 has 2"]),
    (["--input", "1 2 | 3 4 5", "--weight", "1 | 2"], ["--input", "channel 2 has 3 values"]),
    (["--input", "1 2 | 3 4"], ["--input has 2 channels", "--weight"]),
    (["--input", "1 2 3", "--weight", "1 | 2"], ["--weight gives 2 kernels", "1 channel"]),
    (["--size", "5", "--input", "1 2 3 4"], ["--size 5", "--input", "4 samples"]),
    (["--kernel", "2", "--weight", "1 0 -1"], ["--kernel 2", "--weight", "3 taps"]),
    (["--size", "3x3", "--input", "1 2; 3 4"], ["--size 3x3", "--input", "2x2"]),
    (["--dims", "1", "--kernel", "3x3"], ["--kernel 3x3", "--dims"]),
    (["--input", "1 2", "--weight", "1 2", "--seed", "3"], ["--seed"]),
    (["--seed", "-1"], ["--seed"]),
    (["--bias", "nan"], ["--bias"]),
    (["--article", "--kernel", "3"], ["--article", "--kernel"]),
    (["--article", "--input", "1 2"], ["--article", "--input"]),
    (["--model-seed", "11"], ["--model-seed", "--article"]),
    (["--article", "--model-seed", "999"], ["seed 999"]),  # weights.CheckpointError, one line
])
def test_bad_options_are_one_line_and_exit_2(capsys, args, needles):
    res = deconv_here(capsys, "explain", *args)
    assert_usage_error(res, *needles)
    assert res.stdout == ""
