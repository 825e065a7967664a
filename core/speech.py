"""What the narration says, written for the ear: the spoken form of a subtitle, a check that nothing in
it is left for a voice to spell out letter by letter or skip, and each sentence's id in a script.
Standard library only (the scenes' narration and `deconv narration` share it).

The subtitle keeps the written form ("1.2e-04", "(3 − 1)·4 + 7 = 15", "Cᵀ", "c1", "≤"); the voice
says `spoken(written)` ("1.2 times ten to the minus 4", "3 minus 1, times 4, plus 7, is 15",
"C transposed", "c one", "at most").
"""

from __future__ import annotations

import hashlib
import re

# whole words (and marks) that a voice reads wrongly or not at all, as they should sound
WORDS = {
    "ConvTranspose1d": "conv transpose 1 d", "ConvTranspose2d": "conv transpose 2 d",
    "conv_transpose1d": "conv transpose 1 d", "conv_transpose2d": "conv transpose 2 d",
    "Conv1d": "conv 1 d", "Conv2d": "conv 2 d", "output_padding": "output padding",
    "tanh": "tan h", "ReLU": "ray-loo", "Bezier": "Bayzeeay", "rms": "root mean square",
    "std": "standard deviation", "stds": "standard deviations", "PyTorch": "pie torch",
    "NumPy": "num pie", "i.e.": "that is", "e.g.": "for example", "vs": "versus", "MSE": "mean squared error",
}
MARKS = {
    "Cᵀ": "C transposed", "≤": " at most ", "≥": " at least ", "±": "plus or minus ", "÷": " divided by ",
    "≈": " about ", "→": " to ", "Δ²": "delta-two", "Δ": "delta", "²": " squared",
    "%": " percent", "<": " less than ", ">": " more than ", "&": " and ", "…": ", ", "—": ", ", "–": " to ",
    "“": "", "”": "", "‘": "'", "’": "'", "\u00a0": " ",
}
COLOURS = {"blue", "green", "purple", "grey", "gray", "yellow", "gold", "red", "white", "black", "orange"}
UNITS = ("sample", "tap", "pixel", "channel", "window", "step", "epoch", "seed")  # '7-tap kernel'
# '10x more', '9x its noise': said 'times'; else '22x' is '22 fold'
FACTOR_BEFORE = ("more", "less", "lower", "higher", "larger", "smaller", "bigger", "its", "the", "their",
                 "as")
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"


def _decimal(text: str) -> str:
    """A decimal as said: trailing zeros dropped ('0.0760' -> '0.076', '2.0' -> '2'), zero as 'zero'
    whatever its sign or digits ('+0.00')."""
    sign, whole, frac = re.fullmatch(r"([+\-−]?)(\d+)(?:\.(\d+))?", text).groups()
    frac = (frac or "").rstrip("0")
    if int(whole) == 0 and not frac:
        return "zero"
    return f"{sign}{whole}{'.' + frac if frac else ''}"


def _scientific(m: re.Match) -> str:
    """'1.2e-04' -> '1.2 times ten to the minus 4'; '1e-4' -> 'ten to the minus 4'; a power of ten
    down to the minus 3 as a decimal ('5.2e-02' -> '0.052'), which says it in fewer, clearer words."""
    mantissa, sign, exponent = m.group(1), m.group(2), int(m.group(3))
    if sign == "-" and 1 <= exponent <= 3:
        digits = mantissa.replace(".", "").rstrip("0") or "0"
        return "0." + "0" * (exponent - 1) + digits if digits != "0" else "zero"
    power = f"ten to the {'minus ' if sign == '-' else ''}{exponent}"
    if "." not in mantissa and float(mantissa) == 1:
        return power
    return f"{_decimal(mantissa)} times {power}"


def _index(m: re.Match) -> str:
    """'x[j+1]' -> 'x at j-plus-one'; with a factor before it, '2x[j+1]' -> 'twice x at j-plus-one'."""
    factor, name, inner = m.group(1), m.group(2), m.group(3)
    signs = {"+": "plus", "-": "minus", "−": "minus"}
    words = [signs.get(t, DIGITS[int(t)] if t.isdigit() and len(t) == 1 else t)
             for t in re.findall(r"\d+|[A-Za-z]+|[+\-−]", inner)]
    said = f"{name} at {'-'.join(words)}"
    if factor:
        said = ("twice " if factor == "2" else f"{factor} times ") + said
    return said + ","


def _factor(m: re.Match) -> str:
    """'3.2x' as said: '10x more' -> '10 times more', '3.2x apart' -> 'a factor of 3.2 apart', else
    '22x' -> '22 fold' (after a verb, 'times' would sound like a count of events)."""
    n, after = m.group(1), m.group(2)
    if after in FACTOR_BEFORE:
        return f"{n} times {after}"
    if after == "apart":
        return f"a factor of {n} apart"
    return f"{n} fold{' ' + after if after else ''}"


def _side(m: re.Match) -> str:
    """'plain left' -> 'plain on the left' ('noise left' sounds like noise remaining); 'top left' stays."""
    word, side = m.group(1), m.group(2)
    keep = word.lower() in ("top", "bottom", "upper", "lower", "the", "to", "far", "on", "turn", "turns")
    return f"{word} {side}" if keep else f"{word} on the {side}"


def _units(m: re.Match) -> str:
    """'7-tap kernel' -> 'kernel of 7 taps' ('7 tap kernel' sounds like seven kernels)."""
    n, unit, noun = m.group(1), m.group(2), m.group(3)
    return f"{noun} of {n} {unit}{'' if n == '1' else 's'}"


def _name_digit(m: re.Match) -> str:
    """'c1' -> 'c one', 'f12' -> 'f 12'."""
    digits = m.group(2)
    return f"{m.group(1)} {DIGITS[int(digits)] if len(digits) == 1 else digits}"


def _bracket_kinds(tokens: list[str]) -> dict[int, str]:
    """For each bracket token's index: 'math' (an expression: '(3 − 1)'), 'tuple' (numbers: '(0, 0)',
    '[0.1, 0.1, 0.0]') or 'aside' (prose in brackets: '(grey dots)'); unmatched brackets are asides."""
    kinds, stack = {}, []
    for k, tok in enumerate(tokens):
        if tok in "([":
            stack.append(k)
        elif tok in ")]" and stack:
            a = stack.pop()
            inner = "".join(tokens[a + 1:k])
            if re.fullmatch(rf"\s*[+\-−]?{_NUMBER}(?:\s*,\s*[+\-−]?{_NUMBER})+\s*", inner):
                kind = "tuple"
            elif inner.strip().lower() in COLOURS:
                kind = "colour"
            elif (re.fullmatch(r"[\d.\s+\-−×·÷=A-Za-z]*", inner) and re.search(r"[+\-−×·÷]", inner)
                  and not re.search(r"[A-Za-z]{2,}", inner)):
                kind = "math"
            else:
                kind = "aside"
            kinds[a] = kinds[k] = kind
    return kinds


def _arithmetic(text: str) -> str:
    """Signs, operators, brackets and '=' as words, with a pause (a comma) where a listener needs the
    grouping: after a bracketed expression, before a '+' or '−' that follows a product or a bracket,
    and before '=' after more than one operation. '(3 − 1)·4 + 7 = 15' -> '3 minus 1, times 4, plus
    7, is 15'; '1 × (7 − 1)' -> '1 times the quantity 7 minus 1,'; prose in brackets becomes an aside
    between commas; a bracketed list of numbers loses its brackets."""
    tokens = re.findall(rf"{_NUMBER}|[A-Za-z][\w'-]*|\s+|.", text)
    kinds = _bracket_kinds(tokens)
    fresh = {"product": False, "group": False, "ops": 0}
    frames = [dict(fresh)]  # one per open bracketed expression: what its current term holds
    out: list[str] = []
    last = ""  # the last word or mark said (not a space)
    operator_since_pause = False  # a plus, minus or times said since the last comma or stop
    for k, tok in enumerate(tokens):
        frame = frames[-1]
        operand_before = bool(last) and (last[-1].isalnum() or last == ",group")
        nxt = next((t for t in tokens[k + 1:] if not t.isspace()), "")
        said = tok
        if tok in "([" or tok in ")]":
            kind = kinds.get(k, "aside")
            if kind == "tuple":
                said = "the point " if tok in "([" and last.lower() in ("from", "to") else ""
            elif kind == "colour":
                said = ", in " if tok in "([" else ", "
            elif kind == "aside":
                said = ", "
                frames[-1] = dict(fresh)
            elif tok in "([":
                said = "the quantity " if last in ("times", "by") else ""
                frames.append(dict(fresh))
            else:
                said = ", "
                if len(frames) > 1:
                    frames.pop()
                frames[-1]["group"] = True
                last = ",group"
                out.append(said)
                continue
        elif tok in "+-−":
            spaced_before = k > 0 and tokens[k - 1].isspace()
            if tok == "-" and not spaced_before and last[-1:].isalpha():
                said = "-"  # a hyphen inside a word: 'data-like'
            elif tok == "-" and not spaced_before and not (nxt[:1].isdigit() or nxt[:1] == "."):
                said = " "
            else:
                said = ("," if operand_before and (frame["product"] or frame["group"]) else "") + \
                    (" plus " if tok == "+" else " minus ")
                if operand_before:
                    frame.update(product=False, group=False, ops=frame["ops"] + 1)
        elif tok in "×·÷":
            said = " divided by " if tok == "÷" else " times "
            frame.update(product=True, ops=frame["ops"] + 1)
        elif tok == "=":
            if last[-1:].isalpha() and operator_since_pause:  # 'f times c1 = 0.2': c1 is 0.2, not f·c1
                said = ", which is "
            else:
                said = ", is " if frame["ops"] >= 2 or frame["group"] else " is "
            frame.update(fresh)
        elif tok in ",;:.?!":
            frame.update(fresh)
        out.append(said)
        if tok in ",;:.?!" or (tok in "([)]" and kinds.get(k, "aside") in ("aside", "colour")):
            operator_since_pause = False
        elif said.strip() in ("plus", "minus", "times", "divided by"):
            operator_since_pause = True
        if not tok.isspace() and said.strip():
            last = said.split()[-1]
    return "".join(out)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;:.?!])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", lambda m: m.group(0).replace(",", "").strip()[:1] or ",", text)
    text = re.sub(r",\s*([.?!;:])", r"\1", text)
    text = re.sub(r"^[\s,;:]+", "", text)
    text = re.sub(r"([,;:])(?=\S)", r"\1 ", text)
    text = re.sub(r"(\d), (?=\d{3}\b)", r"\1,", text)  # a thousands separator split above: '16, 384'
    return text.strip()


def spoken(written: str) -> str:
    """What a voice should say for the subtitle `written` (see the module's docstring)."""
    s = written.replace("\n", " ")
    s = re.sub(r"\barticle “", "article titled “", s)  # a title said as one, then a pause after it
    s = re.sub(r"”(?= [a-z])", "”,", s)
    for mark, said in MARKS.items():
        s = s.replace(mark, said)
    s = re.sub(r"'\s*(\d+)\s*:\s*'", r"the slice \1 colon", s)  # Python's slice '1 :'
    s = re.sub(r"\b(\d+(?:\.\d+)?) std\b", lambda m: m.group(0) + ("" if float(m.group(1)) == 1 else "s"), s)
    for word, said in WORDS.items():
        s = re.sub(rf"(?<![\w.]){re.escape(word)}(?![\w])", said, s)
    s = re.sub(r"(\d(?:\.\d+)?)e([+-]?)0*(\d+)\b", _scientific, s)  # '1.2e-04'
    s = re.sub(r"(ten to the (?:minus )?\d+) to\b", r"\1, to", s)  # 'from 3e-05 to ...': a pause
    s = re.sub(r"(?<![\w.])(\d+)?([A-Za-z])\[([^\]]+)\]", _index, s)  # 'x[j+1]', '2x[j+1]'
    s = re.sub(r"(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)", r"\1 to \2", s)  # '-1..1'
    s = re.sub(r"(?<![\w.+-])(\d+)-(\d+)(?!\w|\.\d)", r"\1 to \2", s)  # a range: 'samples 4-6'
    s = re.sub(r"(\d+)x(\d+)\b", r"\1 by \2", s)  # '3x3'
    s = re.sub(r"(\d(?:\.\d+)?)x(?![\w\[])(?: ([a-z]+))?", _factor, s)  # '3.2x', '10x more'
    s = re.sub(rf"\b(\d+)-({'|'.join(UNITS)})s? ([a-z]+)\b", _units, s)  # '7-tap kernel'
    s = re.sub(r"(\d)-(?=[A-Za-z])", r"\1 ", s)  # '1-D'
    s = re.sub(r"\b([A-Za-z]{1,2})(\d+)\b", _name_digit, s)  # 'c1', 'p2'
    s = re.sub(r"(?<![\w.,])[+\-−]?\d+\.\d+(?!\d|,\d)", lambda m: _decimal(m.group(0)), s)  # '0.0760'
    s = re.sub(r"(^|[.;:] )(Left|Right):", lambda m: f"{m.group(1)}On the {m.group(2).lower()}:", s)
    s = re.sub(r"\b(\w+) (left|right)(?=[,.;:)]|$)", _side, s)  # 'plain left, code-noise right'
    said = _tidy(_arithmetic(s))
    return said if written.rstrip().endswith(",") else said.rstrip(", ")  # a pause added at the end


_SPEAKABLE = re.compile(r"^(?:[A-Za-z]+(?:['-][A-Za-z]+)*|\d+(?:,\d{3})*(?:\.\d+)?(?:'s)?|[,;:.?!'])$")


def unspeakable(said: str) -> list[str]:
    """The pieces of a spoken form that a voice would spell out letter by letter or skip: symbols,
    letters run into digits ('c1'), capitals read as initials ('MSE'), anything not plain words and
    numbers. Empty for a text a voice reads as meant."""
    bad = []
    for tok in re.findall(r"[A-Za-z]+(?:['-][A-Za-z]+)*|\d+(?:,\d{3})*(?:\.\d+)?(?:'s)?|\S", said):
        if not _SPEAKABLE.match(tok):
            bad.append(tok)
        elif tok.isalpha() and len(tok) > 1 and tok.isupper():
            bad.append(tok)
    for tok in re.findall(r"\S+", said):  # letters and digits in one word: 'c1', '2x'
        core = tok.strip(",;:.?!'")
        if re.search(r"[A-Za-z]", core) and re.search(r"\d", core) and not re.fullmatch(r"\d+'s", core):
            bad.append(core)
    return bad


def sentence_id(section: str, number: int, written: str) -> str:
    """A sentence's id in a script: its section, its number there (from 1) and six hex digits of its
    words, so a recording made for other words (another model, another setting) has another name."""
    digest = hashlib.sha256(" ".join(written.split()).encode("utf-8")).hexdigest()[:6]
    return f"{section}-{number:02d}-{digest}"
