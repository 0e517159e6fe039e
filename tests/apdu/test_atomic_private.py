"""Files written by ``apdu.atomic`` are the owner's only from their first byte."""

import os
import subprocess
import sys
import textwrap

import pytest

from apdu.atomic import write_private
from tests.conftest import REPO

# Run in a child so the audit hook (which cannot be removed) stays out of the suite.
# At every file event it looks at each file in the directory: nothing may ever be
# readable by group or others, not even between creation and a chmod.
WATCH = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    target = Path(sys.argv[1])
    seen = []
    def hook(event, args):
        if event in ("open", "os.chmod", "os.rename", "os.replace", "os.remove"):
            for entry in os.scandir(target):
                if entry.is_file(follow_symlinks=False) and {keys}:
                    seen.append((entry.name, entry.stat().st_mode & 0o777))
    os.umask(0)
    sys.addaudithook(hook)
    {action}
    bad = [(name, oct(mode)) for name, mode in seen if mode & 0o077]
    print("SEEN", len(seen), "BAD", bad)
""")


def watch(tmp_path, action: str, keys: str = "True") -> str:
    script = WATCH.format(action=action, keys=keys)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_write_private_is_never_readable_by_others(tmp_path):
    out = watch(tmp_path, "from apdu.atomic import write_private\n"
                          "write_private(target / 'photo.jpg', b'x' * 100000)\n"
                          "write_private(target / 'photo.jpg', b'y')")
    assert "BAD []" in out and "SEEN 0" not in out
    assert (tmp_path / "photo.jpg").read_bytes() == b"y"
    assert (tmp_path / "photo.jpg").stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["photo.jpg"]  # no temporary left


def test_write_private_tightens_an_existing_file_and_replaces_a_symlink(tmp_path):
    old = tmp_path / "old.bin"
    old.write_bytes(b"old")
    old.chmod(0o644)
    write_private(old, b"new")
    assert old.stat().st_mode & 0o777 == 0o600 and old.read_bytes() == b"new"
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    link = tmp_path / "link"
    link.symlink_to(victim)
    write_private(link, b"data")
    assert victim.read_bytes() == b"keep" and not link.is_symlink()


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_private(path, 12345)  # type: ignore[arg-type]
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["f"]


def test_issuer_keys_are_created_private(tmp_path):
    out = watch(tmp_path, "from simulators.issuer import IssuerPki\n"
                          "IssuerPki.create().save(target)",
                keys="'.key' in entry.name")
    assert "BAD []" in out and "SEEN 0" not in out, out
    for name in ("csca.key", "ds.key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
