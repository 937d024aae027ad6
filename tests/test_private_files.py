"""private_files: what another user could have written is refused, what is ours is read and written whole."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from queryrouter.private_files import UnsafePath, private_folder, read_private, write_private


def test_a_new_folder_is_closed_to_others_even_under_umask_000(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        folder = private_folder(str(tmp_path / "a" / "b"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700


def test_an_own_folder_others_may_only_read_is_closed(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir(mode=0o755)
    private_folder(str(folder))
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


@pytest.mark.parametrize("mode", [0o777, 0o1777, 0o770])
def test_a_folder_others_may_write_is_refused(tmp_path: Path, mode: int) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(mode)
    with pytest.raises(UnsafePath, match="other users may write"):
        private_folder(str(folder))


def test_a_link_to_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(UnsafePath, match="not a folder"):
        private_folder(str(tmp_path / "link"))


def test_another_users_folder_is_refused(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can give a folder to another user")
    folder = tmp_path / "theirs"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    with pytest.raises(UnsafePath, match="another user"):
        private_folder(str(folder))


def test_written_whole_and_read_back(tmp_path: Path) -> None:
    path = str(tmp_path / "plan")
    write_private(path, b"x" * 10)
    assert read_private(path, 10) == b"x" * 10
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["plan"]


def test_a_file_over_the_cap_is_refused_while_reading(tmp_path: Path) -> None:
    path = tmp_path / "big"
    path.write_bytes(b"x" * 11)
    with pytest.raises(UnsafePath, match="larger than"):
        read_private(str(path), 10)


def test_links_fifos_and_devices_are_refused(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"{}")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    (tmp_path / "zero").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(OSError):  # ELOOP from O_NOFOLLOW
        read_private(str(tmp_path / "link"), 100)
    with pytest.raises(OSError):
        read_private(str(tmp_path / "zero"), 100)
    with pytest.raises(UnsafePath, match="not a regular file"):  # and no hang waiting for a writer
        read_private(str(tmp_path / "fifo"), 100)
    with pytest.raises(UnsafePath, match="not a regular file"):
        read_private("/dev/zero", 100)


def test_a_file_others_may_write_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "open"
    path.write_bytes(b"{}")
    path.chmod(0o666)
    with pytest.raises(UnsafePath, match="other users may write"):
        read_private(str(path), 100)


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_private(str(tmp_path / "missing-folder" / "plan"), b"x")
    target = tmp_path / "dir-target"
    target.mkdir()
    with pytest.raises(OSError):  # renaming a file over a folder fails after the write
        write_private(str(target), b"x")
    assert sorted(os.listdir(tmp_path)) == ["dir-target"]


def test_a_file_the_user_named_may_be_a_link_or_anyones_but_not_a_fifo(tmp_path: Path) -> None:
    from queryrouter.private_files import read_regular

    (tmp_path / "real").write_bytes(b"{}")
    (tmp_path / "real").chmod(0o666)
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert read_regular(str(tmp_path / "link"), 10) == b"{}"
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(UnsafePath, match="not a regular file"):
        read_regular(str(tmp_path / "fifo"), 10)


def test_checking_a_folder_changes_nothing(tmp_path: Path) -> None:
    from queryrouter.private_files import check_folder

    folder = tmp_path / "old"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    assert stat.S_IMODE(check_folder(str(folder)).st_mode) == 0o755  # a client reports it; it does not fix it
    assert stat.S_IMODE(folder.stat().st_mode) == 0o755
    with pytest.raises(FileNotFoundError):
        check_folder(str(tmp_path / "missing"))
