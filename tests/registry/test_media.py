"""Full disks and read-only media, through the real CLI (`python -m dockguard`, a subprocess).

A registry on a small filesystem that fills up: registration fails with a clear message and exit 2,
nothing half-written, and the registry still verifies. A registry on read-only media (or through a
read-only connection) can still be listed, verified and scanned; registering there is refused
cleanly. The filesystems are tmpfs mounts made by the test, which needs root (skipped otherwise).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from dockguard.registry import Registry

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
_HAN = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 3000)])


def dockguard(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DOCKGUARD_MODEL": "fake"}
    return subprocess.run([sys.executable, "-m", "dockguard", *args], env=env, capture_output=True, text=True, timeout=300)


def assert_clean_failure(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stderr.startswith("dockguard: error:"), result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.fixture
def mount_tmpfs() -> Iterator[object]:
    """mount(size) -> a new tmpfs folder of that size; unmounted afterwards.

    Under a folder of its own in /tmp that others may traverse (the PostgreSQL server runs as
    another user; pytest's tmp_path is private to root).
    """
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    base = Path(tempfile.mkdtemp(prefix="dockguard-media-", dir="/tmp"))
    base.chmod(0o755)
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        target = base / f"mnt{len(mounted)}"
        target.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0777", "tmpfs", str(target)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs: {done.stderr.strip()}")
        mounted.append(target)
        return target

    yield mount
    for target in reversed(mounted):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)
    shutil.rmtree(base, ignore_errors=True)


def remount_read_only(target: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(target)], check=True, capture_output=True)


def big_work(folder: Path, lines: int = 4000) -> Path:
    """A manifest of one long script (about 2 MB once its lines and vectors are stored)."""
    rng = np.random.default_rng(7)
    body = ["第1集", "1-1 日 内 办公室"] + [f"林霄：{''.join(rng.choice(_HAN, size=20))}。" for _ in range(lines)]
    (folder / "long.txt").write_text("\n".join(body) + "\n", encoding="utf-8")
    manifest = folder / "big.tsv"
    manifest.write_text("work_id\tpath\ttitle\tlang\nlong\tlong.txt\t长剧\tzh-Hans\n", encoding="utf-8")
    return manifest


def fill(folder: Path, leave: int) -> None:
    """Fill the filesystem holding `folder`, leaving about `leave` bytes free."""
    free = shutil.disk_usage(folder).free
    with (folder / "filler").open("wb") as out:
        try:
            out.write(b"\0" * max(free - leave, 0))
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_registration_onto_a_full_disk_fails_cleanly_and_the_registry_still_verifies(mount_tmpfs, tmp_path: Path) -> None:
    small = mount_tmpfs("8m")
    db = str(small / "registry.sqlite")
    first = dockguard("register", "--manifest", str(CORPUS / "registry.tsv"), "--db", db)
    assert first.returncode == 0, first.stderr
    fill(small, leave=256 * 1024)
    failed = dockguard("register", "--manifest", str(big_work(tmp_path)), "--db", db)
    assert_clean_failure(failed, "is full", "nothing was written")
    listed = dockguard("works", "list", "--db", db, "--format", "json")
    assert listed.returncode == 0 and '"long"' not in listed.stdout and '"yunduan-zhishang"' in listed.stdout
    assert dockguard("verify", "--db", db).returncode == 0
    # with space again, the same registration goes through
    (small / "filler").unlink()
    assert dockguard("register", "--manifest", str(big_work(tmp_path)), "--db", db).returncode == 0
    assert dockguard("verify", "--db", db).returncode == 0


@pytest.mark.parametrize("with_log", [False, True], ids=["checkpointed", "with-wal"])
def test_a_registry_on_read_only_media_can_be_listed_verified_and_scanned(
    mount_tmpfs, with_log: bool, tmp_path: Path
) -> None:
    source, media = mount_tmpfs("16m"), mount_tmpfs("16m")
    db = source / "registry.sqlite"
    assert dockguard("register", "--manifest", str(CORPUS / "registry.tsv"), "--db", str(db)).returncode == 0
    if with_log:
        # copied while open, after one more write: the copy's committed pages are partly in its -wal
        with Registry.open(str(db)) as registry:
            registry.remove_work("xihu-wusheng")
            for path in source.iterdir():
                if path.is_file():  # the database and its log (not the line index folder beside them)
                    shutil.copy(path, media / path.name)
        assert (media / "registry.sqlite-wal").stat().st_size > 0
    else:
        shutil.copy(db, media / db.name)
        assert not (media / "registry.sqlite-wal").exists()
    copied = sorted(p.name for p in media.iterdir())
    remount_read_only(media)
    ro_db = str(media / "registry.sqlite")
    listed = dockguard("works", "list", "--db", ro_db, "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert ('"xihu-wusheng"' in listed.stdout) is (not with_log)  # the removal in the -wal is seen
    assert dockguard("verify", "--db", ro_db).returncode == 0
    scanned = dockguard("scan", str(CORPUS / "releases" / "zh-Hans"), "--db", ro_db, "--format", "json")
    assert scanned.returncode in (0, 1) and '"results"' in scanned.stdout, scanned.stderr
    refused = dockguard("register", "--manifest", str(big_work(tmp_path, lines=50)), "--db", ro_db)
    assert_clean_failure(refused, "read-only")
    assert sorted(p.name for p in media.iterdir()) == copied


@pytest.mark.postgres
def test_a_read_only_postgresql_connection_can_be_listed_verified_and_scanned(pg_url: str, tmp_path: Path) -> None:
    assert dockguard("register", "--manifest", str(CORPUS / "registry.tsv"), "--db", pg_url).returncode == 0
    url = make_url(pg_url)
    options = f"{url.query['options']} -cdefault_transaction_read_only=on"
    ro_url = url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    assert dockguard("works", "list", "--db", ro_url).returncode == 0
    assert dockguard("verify", "--db", ro_url).returncode == 0
    scanned = dockguard("scan", str(CORPUS / "releases" / "zh-Hans"), "--db", ro_url, "--format", "json")
    assert scanned.returncode in (0, 1) and '"results"' in scanned.stdout, scanned.stderr
    refused = dockguard("register", "--manifest", str(big_work(tmp_path, lines=50)), "--db", ro_url)
    assert_clean_failure(refused, "read-only", "nothing was written")


@pytest.mark.postgres
def test_postgresql_tables_on_a_full_disk_fail_cleanly(pg_url: str, mount_tmpfs, tmp_path: Path) -> None:
    """The registry's tables in a tablespace on a small tmpfs (PostgreSQL's own WAL stays on its disk)."""
    small = mount_tmpfs("8m")
    space = small / "pg"
    space.mkdir()
    shutil.chown(space, "postgres", "postgres")
    name = f"small_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f"CREATE TABLESPACE {name} LOCATION '{space}'"))
    except Exception as exc:  # not a superuser, or no postgres OS user
        admin.dispose()
        pytest.skip(f"cannot create a tablespace: {exc}")
    url = make_url(pg_url)
    options = f"{url.query['options']} -cdefault_tablespace={name}"
    db = url.update_query_dict({"options": options}).render_as_string(hide_password=False)
    try:
        assert dockguard("register", "--manifest", str(CORPUS / "registry.tsv"), "--db", db).returncode == 0
        fill(small, leave=256 * 1024)
        failed = dockguard("register", "--manifest", str(big_work(tmp_path)), "--db", db)
        assert_clean_failure(failed, "is full", "nothing was written")
        assert dockguard("verify", "--db", db).returncode == 0
        (small / "filler").unlink()
        assert dockguard("register", "--manifest", str(big_work(tmp_path)), "--db", db).returncode == 0
        assert dockguard("verify", "--db", db).returncode == 0
    finally:
        schema = url.query["options"].split("=", 1)[1]
        with admin.connect() as connection:
            # empty the tablespace (the pg_url fixture drops the schema itself afterwards)
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            connection.execute(text(f"DROP TABLESPACE IF EXISTS {name}"))
        admin.dispose()
