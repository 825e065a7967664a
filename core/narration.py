"""`deconv narration SCENE`: the script of an explainer, to record in your own voice. One line per
sentence (its id, its section, the subtitle, the spoken form), as text (script.txt) and as a page to
print (script.html), with the model's numbers filled in. Record `<id>.wav` for each line in the same
folder, then render with DECONV_VOICE=recorded DECONV_VOICE_DIR=that-folder.

The script is read from the explainer's storyboard by `python -m scenes.script` in a process of its
own (core never imports Manim), with the model the environment chooses, as a render would.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from core import explainers, files

MARK = "# deconv narration:"  # the first line of a script.txt this command wrote
HTML_MARK = '<meta name="generator" content="deconv narration">'
FILES = ("script.txt", "script.html")
RECORD = ".deconv-narration"  # files.Record(folder, "narration"): what this command wrote there


class NarrationError(Exception):
    """One line for the user."""


def explainer(name: str) -> explainers.ExplainerSpec:
    """The explainer named by its module ('decoder'), file ('scenes/decoder.py') or Scene class."""
    key = Path(name).stem if name.endswith(".py") else name
    for e in explainers.EXPLAINERS:
        if key in (e.module, e.scene):
            return e
    names = ", ".join(e.module for e in explainers.EXPLAINERS)
    raise NarrationError(f"{name}: not an explainer; choose one of {names}")


def read_script(spec: explainers.ExplainerSpec) -> dict:
    """The script as `python -m scenes.script` prints it; its own one-line error (a missing checkpoint,
    a bad DECONV_SEED) becomes NarrationError."""
    env = dict(os.environ, DECONV_VOICE="off")
    res = subprocess.run([sys.executable, "-m", "scenes.script", spec.module], capture_output=True, text=True,
                         env=env, cwd=Path(__file__).resolve().parent.parent, stdin=subprocess.DEVNULL)
    if res.returncode != 0:
        lines = [x for x in res.stderr.strip().splitlines() if x.strip()]
        told = next((x.split("error: ", 1)[1] for x in lines if x.startswith("deconv: error: ")), None)
        last = lines[-1] if lines else "no message"
        raise NarrationError(told or f"reading the script of {spec.module} failed: {last}")
    return json.loads(res.stdout)


def text(script: dict) -> str:
    """script.txt: a header of comment lines, then `id<TAB>section<TAB>subtitle<TAB>spoken form`."""
    m = script["model"]
    module = script["module"]
    head = [f"{MARK} {script['scene']} (scenes/{module}.py), model {m['variant']} seed {m['seed']}",
            f"# {len(script['sentences'])} sentences. Record each one as <id>.wav in this folder (any rate, "
            "mono or stereo), saying the spoken form;",
            f"# then: DECONV_VOICE=recorded DECONV_VOICE_DIR=<this folder> manim -qh scenes/{module}.py",
            "# id\tsection\tsubtitle\tspoken form"]
    rows = ["\t".join(s[k] for k in ("id", "section", "written", "spoken")) for s in script["sentences"]]
    return "\n".join(head + rows) + "\n"


def page(script: dict, folder: Path) -> str:
    """script.html: the script as a table to print and read from, one row per recording to make."""
    m = script["model"]
    have = set(recorded(script, folder)[0])
    esc = html.escape
    rows, section = [], None
    for s in script["sentences"]:
        if s["section"] != section:
            section = s["section"]
            rows.append(f'<tr class="section"><th colspan="3">{esc(section)}</th></tr>')
        done = "✓" if s["id"] in have else ""
        rows.append(f'<tr><td class="id">{esc(s["id"])}.wav <span class="done">{done}</span></td>'
                    f'<td class="say">{esc(s["spoken"])}</td><td class="sub">{esc(s["written"])}</td></tr>')
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">{HTML_MARK}
<title>Narration script: {esc(script['scene'])}</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; margin: 2em; color: #111; }}
h1 {{ font-size: 1.4em; margin: 0 0 .3em; }} p {{ margin: .2em 0 1em; color: #444; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border-bottom: 1px solid #ccc; padding: .45em .6em; vertical-align: top; text-align: left; }}
tr.section th {{ background: #eee; font-size: .95em; }}
td.id {{ font: 12px ui-monospace, monospace; white-space: nowrap; color: #333; }}
td.say {{ font-size: 1.15em; }} td.sub {{ color: #666; font-size: .9em; }} .done {{ color: #080; }}
@media print {{ body {{ margin: 1cm; }} tr {{ break-inside: avoid; }} }}
</style></head><body>
<h1>Narration script: {esc(script['scene'])}</h1>
<p>scenes/{esc(script['module'])}.py, model {esc(str(m['variant']))} seed {esc(str(m['seed']))};
{len(script['sentences'])} sentences. Read the middle column aloud; save each as the file named on its left,
in the folder this page is in (✓: recorded). Then render with
<code>DECONV_VOICE=recorded DECONV_VOICE_DIR=&lt;this folder&gt;
manim -qh scenes/{esc(script['module'])}.py</code>.</p>
<table><thead><tr><th>file</th><th>say</th><th>subtitle</th></tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table></body></html>
"""


def recorded(script: dict, folder: Path) -> tuple[list[str], list[str]]:
    """(ids with a recording in `folder`, recordings there for the words a sentence had before, where
    that sentence is not recorded yet under its id now)."""
    names = {p.name.lower(): p.name for p in folder.glob("*") if p.name.lower().endswith(".wav")}
    have = [s["id"] for s in script["sentences"] if f"{s['id']}.wav" in names]
    stale = []
    for s in script["sentences"]:
        if s["id"] in have:
            continue
        stem = s["id"].rsplit("-", 1)[0]
        pattern = rf"{re.escape(stem)}-[0-9a-f]{{6}}\.wav"
        stale += sorted(names[n] for n in names if re.fullmatch(pattern, n))
    return have, stale


def check(folder: Path, force: bool) -> None:
    """Before anything is read or written: `folder` can hold the script, and its script.txt and
    script.html, if there, are this command's as it wrote them (else only with `force`)."""
    if folder.exists() and not folder.is_dir():
        raise NarrationError(f"--out {folder}: a file is there; give a folder")
    for name in FILES:
        path = folder / name
        if path.is_dir():
            raise NarrationError(f"{path}: is a folder; move it away or choose another --out")
    if not force and (foreign := files.Record(folder, "narration").foreign(FILES)):
        raise NarrationError(f"{folder / foreign[0]}: already there, and not as deconv narration wrote it "
                             "(your own, or edited since); replace it with --force, or choose another --out")


def write(script: dict, folder: Path, force: bool) -> list[Path]:
    """Write script.txt and script.html into `folder` (check() first, again: nothing is replaced that
    this command did not write, unless `force`), and note what it wrote (files.Record, in RECORD),
    holding the folder's writer lock."""
    check(folder, force)
    folder.mkdir(parents=True, exist_ok=True)
    with files.lock(folder, "deconv narration"):  # one writer of the folder's record at a time
        check(folder, force)
        contents = {"script.txt": text(script), "script.html": page(script, folder)}
        record = files.Record(folder, "narration")
        kept = record.read()
        for name, content in contents.items():
            data = content.encode("utf-8")
            files.atomic_write_bytes(folder / name, data)
            kept[name] = files.sha256_bytes(data)
        record.write(kept)
    return [folder / name for name in FILES]
