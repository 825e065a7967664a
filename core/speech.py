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
    "tanh": "tanch", "ReLU": "ray-loo", "Bezier": "bay zee ay", "rms": "root mean square",
    "std": "standard deviation", "stds": "standard deviations", "PyTorch": "pie torch",
    "NumPy": "num pie", "i.e.": "that is", "e.g.": "for example", "vs": "versus", "MSE": "mean squared error",
}
MARKS = {
    "Cᵀ": "C transposed", "≤": " at most ", "≥": " at least ", "±": "plus or minus ", "÷": " divided by ",
    "≈": " about ", "→": " to ", "Δ²": "delta squared", "Δ": "delta", "²": " squared",
    "%": " percent", "<": " less than ", ">": " more than ", "&": " and ", "…": ", ", "—": ", ", "–": " to ",
    "“": "", "”": "", "‘": "'", "’": "'", "\u00a0": " ",
}
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"


def _scientific(m: re.Match) -> str:
    """'1.2e-04' -> '1.2 times ten to the minus 4'; '1e-4' -> 'ten to the minus 4'."""
    mantissa, sign, exponent = m.group(1), m.group(2), int(m.group(3))
    power = f"ten to the {'minus ' if sign == '-' else ''}{exponent}"
    return power if float(mantissa) == 1 else f"{mantissa} times {power}"


def _index(m: re.Match) -> str:
    """'x[j+1]' -> 'x of j plus 1'."""
    inner = m.group(2).replace("+", " plus ").replace("-", " minus ").replace("−", " minus ")
    return f"{m.group(1)} of {' '.join(inner.split())},"


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
    for k, tok in enumerate(tokens):
        frame = frames[-1]
        operand_before = bool(last) and (last[-1].isalnum() or last == ",group")
        nxt = next((t for t in tokens[k + 1:] if not t.isspace()), "")
        said = tok
        if tok in "([" or tok in ")]":
            kind = kinds.get(k, "aside")
            if kind == "tuple":
                said = ""
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
            said = ", is " if frame["ops"] >= 2 or frame["group"] else " is "
            frame.update(fresh)
        elif tok in ",;:.?!":
            frame.update(fresh)
        out.append(said)
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
    for mark, said in MARKS.items():
        s = s.replace(mark, said)
    s = re.sub(r"'\s*(\d+)\s*:\s*'", r"\1 colon", s)  # Python's slice '1 :'
    s = re.sub(r"\b(\d+(?:\.\d+)?) std\b", lambda m: m.group(0) + ("" if float(m.group(1)) == 1 else "s"), s)
    for word, said in WORDS.items():
        s = re.sub(rf"(?<![\w.]){re.escape(word)}(?![\w])", said, s)
    s = re.sub(r"(\d(?:\.\d+)?)e([+-]?)0*(\d+)\b", _scientific, s)  # '1.2e-04'
    s = re.sub(r"(\d)([A-Za-z])\[", r"\1 \2[", s)  # a factor: '2x[j+1]' is 2 times x of j plus 1
    s = re.sub(r"(?<![A-Za-z])([A-Za-z])\[([^\]]+)\]", _index, s)  # 'x[j+1]'

    s = re.sub(r"(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)", r"\1 to \2", s)  # '-1..1'
    s = re.sub(r"(?<![\w.+-])(\d+)-(\d+)(?!\w|\.\d)", r"\1 to \2", s)  # a range: 'samples 4-6'
    s = re.sub(r"(\d+)x(\d+)\b", r"\1 by \2", s)  # "3x3"
    s = re.sub(r"(\d(?:\.\d+)?)x(?![\w\[])", r"\1 times", s)  # '3.2x', '10x more'
    s = re.sub(r"(\d)-(?=[A-Za-z])", r"\1 ", s)  # '1-D', '7-tap'
    s = re.sub(r"\b([A-Za-z]{1,2})(\d+)\b", _name_digit, s)  # 'c1', 'p2'
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
