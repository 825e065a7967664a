"""reveal.js, kept on disk so that the HTML decks (`deconv slides`) play with no network: the few
files a deck inlines, fetched once by `make slides` (or `make setup`) from the npm registry with npm's
own client (`npm pack`, which checks the package's integrity hash) and kept in the virtual environment.

Standard library only: the Makefile runs it as soon as the virtual environment exists.

    python -m core.revealjs --fetch     fetch reveal.js VERSION into FOLDER (once; again if damaged)
    python -m core.revealjs             print FOLDER if it holds every file, else say how to fetch it

VERSION is the reveal.js that manim-slides' own HTML template is written for (manim-slides 5.7's
default `reveal_version`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "6.0.1"
# what a deck inlines: the player, its stylesheet, the speaker-notes plugin (presenter view, key S);
# and the licence, which travels with the copy
FILES = ("dist/reveal.js", "dist/reveal.css", "dist/plugin/notes.js", "LICENSE")
ENV = "DECONV_REVEALJS"  # a folder holding FILES, instead of the virtual environment's copy


class RevealMissing(Exception):
    """reveal.js is not on disk: one line saying how to fetch it."""


def folder() -> Path:
    """Where reveal.js is kept: $DECONV_REVEALJS, else <virtual environment>/share/reveal.js-VERSION."""
    return Path(os.environ.get(ENV) or Path(sys.prefix) / "share" / f"reveal.js-{VERSION}")


def files() -> dict[str, Path]:
    """FILES by name, each a path that exists. Raises RevealMissing naming the fix otherwise."""
    where = folder()
    found = {name: where / name for name in FILES}
    missing = [n for n, p in found.items() if not p.is_file() or p.stat().st_size == 0]
    if missing:
        how = (f"point {ENV} at a folder holding {', '.join(FILES)}" if os.environ.get(ENV)
               else "run make slides (it fetches it with npm), or python -m core.revealjs --fetch")
        raise RevealMissing(f"reveal.js {VERSION} is not in {where} (no {missing[0]}): {how}")
    return found


def fetch(dest: Path | None = None) -> Path:
    """Fetch reveal.js VERSION with `npm pack` and keep FILES in `dest` (default: folder()), written
    whole or not at all. Raises RevealMissing when npm is missing or fails."""
    dest = Path(dest or folder())
    npm = shutil.which("npm")
    if npm is None:
        raise RevealMissing("npm is not installed: apt-get install npm (make slides does), then "
                            "python -m core.revealjs --fetch")
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([npm, "pack", "--silent", f"reveal.js@{VERSION}"], cwd=tmp,
                             capture_output=True, text=True, stdin=subprocess.DEVNULL)
        tgz = Path(tmp) / run.stdout.strip().splitlines()[-1] if run.stdout.strip() else None
        if run.returncode != 0 or tgz is None or not tgz.is_file():
            why = (run.stderr.strip().splitlines() or ["no package written"])[-1]
            raise RevealMissing(f"npm pack reveal.js@{VERSION} failed: {why}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}."))
        try:
            with tarfile.open(tgz) as tar:
                for name in FILES:
                    member = tar.getmember(f"package/{name}")
                    out = staged / name
                    out.parent.mkdir(parents=True, exist_ok=True)
                    out.write_bytes(tar.extractfile(member).read())
            if dest.exists():
                shutil.rmtree(dest)
            os.replace(staged, dest)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    return dest


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m core.revealjs", description=__doc__.split("\n\n")[0])
    p.add_argument("--fetch", action="store_true",
                   help=f"fetch reveal.js {VERSION} with npm unless every file is already there")
    args = p.parse_args(argv)
    try:
        if args.fetch:
            try:
                files()
                return 0
            except RevealMissing:
                print(f"fetching reveal.js {VERSION} with npm into {fetch()}")
        print(files()["LICENSE"].parent)
    except RevealMissing as e:
        print(f"core.revealjs: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
