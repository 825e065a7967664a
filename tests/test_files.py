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
