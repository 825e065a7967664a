"""core.files: the rules every writing command shares (whose files, one writer, staging, paths)."""

import subprocess
import sys
import time

from core import files


def test_record_names_files_not_written_or_changed_since(tmp_path):
    rec = files.Record(tmp_path, "test")
    (tmp_path / "made.png").write_bytes(b"ours")
    (tmp_path / "edited.png").write_bytes(b"ours too")
    rec.add([tmp_path / "made.png", tmp_path / "edited.png"])
    (tmp_path / "edited.png").write_bytes(b"changed by hand")
    (tmp_path / "mine.png").write_bytes(b"the user's")
    (tmp_path / "folder.png").mkdir()
    names = ["made.png", "edited.png", "mine.png", "folder.png", "absent.png"]
    assert rec.foreign(names) == ["edited.png", "mine.png", "folder.png"]
    assert rec.path.name == ".deconv-test"


def test_a_staging_folder_in_use_is_not_cleared_but_a_dead_ones_is(tmp_path):
    code = ("import sys, time; from core import files\n"
            "with files.staging(sys.argv[1], '.st-') as s:\n"
            "    print(s, flush=True); time.sleep(30)\n")
    other = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        held = tmp_path / other.stdout.readline().strip().rsplit("/", 1)[1]
        assert held.is_dir()
        files.clear_stale(tmp_path, ".st-")
        assert held.is_dir()  # its maker runs
        other.kill()
        other.wait()
        files.clear_stale(tmp_path, ".st-")
        assert not held.exists()  # its maker is gone
    finally:
        other.kill()


def test_a_second_writer_waits_for_the_first(tmp_path):
    code = ("import sys, time; from core import files\n"
            "with files.lock(sys.argv[1]):\n"
            "    print('in', flush=True); time.sleep(1.0)\n"
            "print('out', flush=True)\n")
    first = subprocess.Popen([sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    assert first.stdout.readline().strip() == "in"
    t = time.monotonic()
    with files.lock(tmp_path):
        waited = time.monotonic() - t
        assert first.poll() is not None or first.stdout.readline().strip() == "out"
    first.wait()
    assert waited > 0.3


def test_inside_follows_links_and_dots(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "f" / "link").symlink_to(tmp_path / "out")
    assert files.inside(tmp_path / "f" / "a.txt", tmp_path / "f")
    assert not files.inside(tmp_path / "f" / ".." / "out" / "a.txt", tmp_path / "f")
    assert not files.inside(tmp_path / "f" / "link" / "a.txt", tmp_path / "f")
    assert files.plain_name("intro.mp4") and not files.plain_name("../intro.mp4")
    assert not files.plain_name("/abs.mp4") and not files.plain_name("..") and not files.plain_name(3)


def test_sha256_in_chunks_matches_hashlib(tmp_path):
    import hashlib

    data = bytes(range(256)) * 9000  # several chunks
    (tmp_path / "x").write_bytes(data)
    assert files.sha256_file(tmp_path / "x") == hashlib.sha256(data).hexdigest()


def test_a_lock_file_that_is_a_link_is_not_followed(tmp_path):
    import pytest

    (tmp_path / "f").mkdir()
    (tmp_path / "f" / files.LOCK).symlink_to(tmp_path / "elsewhere.txt")
    with pytest.raises(files.LinkedLock, match="a link, where deconv keeps its lock file"):
        with files.lock(tmp_path / "f"):
            pass
    assert not (tmp_path / "elsewhere.txt").exists()


def _a_set(tmp_path, content: bytes):
    """A folder holding a.png, b.png, c.png written (and recorded) by 'test', and a staging folder with
    the new set."""
    folder, stage = tmp_path / "out", tmp_path / "out" / ".stage"
    stage.mkdir(parents=True)
    rec = files.Record(folder, "test")
    names = ["a.png", "b.png", "c.png"]
    for n in names:
        (folder / n).write_bytes(b"old " + n.encode())
        (stage / n).write_bytes(content + n.encode())
    rec.add([folder / n for n in names])
    return folder, stage, rec, names


def test_a_set_stopped_midway_is_still_ours(tmp_path, monkeypatch):
    """A crash (here: a full disk) between two renames used to leave a mix of old and new files that
    the next run refused as not its own; the record now names both contents while the set moves."""
    import errno
    import os

    import pytest

    folder, stage, rec, names = _a_set(tmp_path, b"new ")
    real, calls = os.replace, []

    def replace(a, b):
        nonlocal calls
        calls += [a] if ".stage" in str(a) else []  # the set's renames (not the record's own)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(a, b)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OSError):
        files.move_in(stage, folder, names, rec)
    monkeypatch.setattr(os, "replace", real)
    assert (folder / "a.png").read_bytes() == b"new a.png" and (folder / "b.png").read_bytes() == b"old b.png"
    assert rec.foreign(names) == []  # every file there is ours: the next run replaces them freely


def test_a_folder_where_a_file_goes_is_refused_before_anything_moves(tmp_path):
    import pytest

    folder, stage, rec, names = _a_set(tmp_path, b"new ")
    (folder / "c.png").unlink()
    (folder / "c.png").mkdir()
    with pytest.raises(IsADirectoryError):
        files.move_in(stage, folder, names, rec)
    assert (folder / "a.png").read_bytes() == b"old a.png"


def test_ctrl_c_waits_until_the_set_is_in_place(tmp_path, monkeypatch):
    import os
    import signal

    import pytest

    folder, stage, rec, names = _a_set(tmp_path, b"new ")
    real = os.replace
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # an earlier test may ignore it

    def replace(a, b):
        real(a, b)
        if str(a).endswith("a.png"):
            signal.raise_signal(signal.SIGINT)  # Ctrl-C after the first rename

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        files.move_in(stage, folder, names, rec, drop=["gone.png"])
    signal.signal(signal.SIGINT, previous)
    assert [(folder / n).read_bytes() for n in names] == [b"new " + n.encode() for n in names]
    assert rec.foreign(names) == [] and all(isinstance(v, str) for v in rec.read().values())


def test_a_link_loop_or_a_nul_byte_is_not_inside(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert not files.inside(tmp_path / "loop", tmp_path)
    assert not files.inside(str(tmp_path / "a\0b"), tmp_path)
