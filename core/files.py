"""How deconv writes into a folder, for every command that writes: only files it made, whole, one
writer at a time, never outside the folder it was given.

- `Record`: a hidden file in the folder (`.deconv-<command>`) naming each file the command wrote
  there, with its sha256. A file that is not in the record, or whose content changed since (an
  edited figure, a user's own `intro_03.png`), is the user's: `Record.foreign` names it, and the
  command replaces it only with `--force`. A copy or a `touch` of a file the command wrote is still
  the command's (content, not dates, decides).
- `lock`: an exclusive lock on the folder for one writer (`flock`, released however the process
  ends); a second writer waits for the first, saying so once.
- `staging`: a hidden folder inside the folder, where a set of files is made before it is renamed
  into place; it holds a lock while its maker runs, so `clear_stale` removes only staging folders
  whose maker is gone (killed), never one that another run is filling.
- `inside`: whether a path, symlinks followed, lies in a folder.
- `sha256_file`: a file's sha256 read in 1 MiB chunks (memory does not grow with the file).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20
LOCK = ".deconv.lock"  # one lock file per folder, shared by every deconv command that writes there
OWNER = ".owner"  # inside a staging folder: held locked by the run that fills it
STALE_WITHOUT_OWNER = 60.0  # seconds: a staging folder with no owner file yet is left alone this long


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inside(path: str | Path, folder: str | Path) -> bool:
    """Whether `path` lies in `folder` (or is it), with `..` and symlinks resolved in both."""
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
        return True
    except (ValueError, RuntimeError, OSError):  # elsewhere; a link loop (3.11: RuntimeError); a NUL byte
        return False


def target(path: str | Path) -> str:
    """Where `path` leads, links followed, for a message (a link loop or a NUL byte: as given)."""
    try:
        real = os.path.realpath(path)
        if os.path.islink(real):  # realpath stops where links go round in a loop
            return f"{real} (a loop of links)"
        return real
    except (ValueError, OSError):
        return repr(str(path))


def plain_name(name: object) -> bool:
    """Whether `name` is a bare file name: a non-empty string with no folder part, not `.` or `..`
    (what a list may name beside itself, so that nothing it names lies elsewhere)."""
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\\" not in name and "\0" not in name)


class Record:
    """What one command wrote in one folder: name -> sha256, kept in `folder/.deconv-<command>`."""

    def __init__(self, folder: str | Path, command: str):
        self.folder = Path(folder)
        self.path = self.folder / f".deconv-{command}"

    def read(self) -> dict[str, str | list[str]]:
        """name -> sha256 (or, while `move_in` renames a set into place, [old, new]: either is ours)."""
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items()
                if isinstance(v, str) or isinstance(v, list) and all(isinstance(h, str) for h in v)}

    def ours(self, name: str, record: dict | None = None) -> bool:
        """Whether `folder/name` is a file this command wrote, unchanged since."""
        path = self.folder / name
        record = self.read() if record is None else record
        known = record.get(name)
        if known is None or not path.is_file() or path.is_symlink():
            return False
        return sha256_file(path) in ([known] if isinstance(known, str) else known)

    def foreign(self, names: Iterable[str]) -> list[str]:
        """The names among `names` that are there (a file, a folder or a link) but are not files this
        command wrote, or whose content changed since it wrote them."""
        record = self.read()
        there = [n for n in names if (self.folder / n).exists() or (self.folder / n).is_symlink()]
        return [n for n in there if not self.ours(n, record)]

    def write(self, record: dict[str, str]) -> None:
        atomic_write_bytes(self.path, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode())

    def add(self, paths: Iterable[Path]) -> None:
        """Note files just written in the folder (hashing each as it is now)."""
        record = self.read()
        for p in paths:
            record[Path(p).name] = sha256_file(p)
        self.write(record)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (in the main thread; elsewhere they cannot
    land), then act as they would have: a few renames are not cut in half."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    hit: list[int] = []
    previous = {s: signal.signal(s, lambda signum, frame: hit.append(signum))
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(hit):
            signal.raise_signal(s)


def move_in(stage: Path, folder: Path, names: list[str], record: Record, kept: dict | None = None,
            drop: Iterable[str] = ()) -> tuple[dict, list[str]]:
    """Rename each `stage/name` to `folder/name`, a set made whole in a staging folder, and note them
    in `record` (from `kept`, else what it holds); remove the files named in `drop` that are ours and
    unchanged. A folder where a file goes is refused (IsADirectoryError) before anything moves.
    While the renames run, the record names each file's old and new content, so a run stopped
    midway (a crash, a full disk) leaves files that are all still ours, replaced by the next run
    without --force; Ctrl-C and SIGTERM wait until the set is in place. Returns the record written
    and the names removed."""
    for n in names:
        if (folder / n).is_dir() and not (folder / n).is_symlink():
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(folder / n))
    kept = dict(record.read() if kept is None else kept)
    new = {n: sha256_file(stage / n) for n in names}
    during = dict(kept)
    for n in names:
        old = kept.get(n)
        olds = [] if old is None else [old] if isinstance(old, str) else list(old)
        during[n] = [*[h for h in olds if record.ours(n, {n: h})], new[n]]
    with signals_held():
        record.write(during)
        for n in names:
            os.replace(stage / n, folder / n)
        kept.update(new)
        removed = [n for n in dict.fromkeys(drop) if n not in new and record.ours(n, kept)]
        for n in removed:
            (folder / n).unlink()
            kept.pop(n)
        record.write(kept)
    return kept, removed


def refusal(folder: Path, foreign: list[str], command: str) -> str:
    """The one line that says which files a command will not replace, and how to go on."""
    shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
    them = "it" if len(foreign) == 1 else "them"
    return (f"{folder}: {shown} not written by {command}, or changed since; move {them} away, "
            f"or replace with --force")


class LinkedLock(ValueError):
    """The folder's lock file is a link (one line for the user)."""


@contextlib.contextmanager
def lock(folder: str | Path, what: str = "deconv") -> Iterator[None]:
    """Hold the folder's writer lock for the block: a second writer of the same folder waits for the
    first (saying so once on stderr), so no two runs read-modify-write the same files at once. The
    folder must exist."""
    folder = Path(folder)
    try:  # never through a link: opening it would make or touch a file elsewhere
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(folder / LOCK, flags, 0o666)
    except OSError as e:
        if e.errno != errno.ELOOP:
            raise
        raise LinkedLock(f"{folder / LOCK}: a link, where deconv keeps its lock file; remove the link "
                         "(deconv makes this file itself)") from None
    with os.fdopen(fd, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print(f"{what}: waiting for another deconv command writing to {folder}", file=sys.stderr)
            fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def clear_stale(folder: str | Path, prefix: str) -> None:
    """Remove the staging folders `folder/<prefix>*` whose maker is gone (its owner lock is free),
    left by a run that was killed; a folder another run is filling is left alone."""
    for old in Path(folder).glob(f"{prefix}*"):
        if not old.is_dir() or old.is_symlink():
            continue
        owner = old / OWNER
        try:
            f = open(owner)  # noqa: SIM115 - closed below
        except FileNotFoundError:
            try:  # just made, its owner file not yet there; or left by an older version
                young = time.time() - old.stat().st_mtime < STALE_WITHOUT_OWNER
            except OSError:
                continue
            if not young:
                shutil.rmtree(old, ignore_errors=True)
            continue
        except OSError:
            continue
        with f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its maker is running
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def staging(folder: str | Path, prefix: str) -> Iterator[Path]:
    """A fresh hidden folder `folder/<prefix>XXXX` to make files in, held (locked) while the block
    runs and removed after it; staging folders left by killed runs are cleared first."""
    folder = Path(folder)
    clear_stale(folder, prefix)
    path = Path(tempfile.mkdtemp(dir=folder, prefix=prefix))
    try:
        with open(path / OWNER, "w") as owner:
            fcntl.flock(owner, fcntl.LOCK_EX)
            yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def replacing_path(path: str | Path) -> Iterator[Path]:
    """A temporary path beside `path` (same suffix, for writers that pick a format by it), renamed
    onto `path` with the usual file mode when the block ends without an error, removed when it ends
    with one: `path` is then as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix or ".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def replacing(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file to write `path` through (`replacing_path`), flushed to disk before the rename."""
    with replacing_path(path) as tmp, open(tmp, "wb") as f:
        yield f
        f.flush()
        os.fsync(f.fileno())


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    with replacing(path) as f:
        f.write(data)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
