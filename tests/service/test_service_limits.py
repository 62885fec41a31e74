"""Upload file names: what a client sends never names a path outside the job's folder, nor one the file system refuses."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dockguard.service.limits import UploadLimits, safe_name

LIMITS = UploadLimits()


def test_names() -> None:
    assert safe_name("../../etc/passwd", 0, LIMITS) == "passwd"
    assert safe_name("C:\\Users\\x\\第1集.txt", 0, LIMITS) == "第1集.txt"
    assert safe_name(".hidden.srt", 0, LIMITS) == "hidden.srt"
    assert safe_name("..", 2, LIMITS) == "upload-3"
    assert safe_name(None, 0, LIMITS) == "upload-1"
    assert safe_name("a\x00b\nc.txt", 0, LIMITS) == "a_b_c.txt"
    long = safe_name("长" * 300 + ".fountain", 0, LIMITS)
    assert long.endswith(".fountain") and len(long.encode()) <= LIMITS.max_name_bytes


@given(st.text())
def test_any_name_is_one_safe_component(name: str) -> None:
    out = safe_name(name, 0, LIMITS)
    assert out and out not in (".", "..") and not out.startswith(".")
    assert "/" not in out and "\\" not in out and "\x00" not in out
    assert len(out.encode("utf-8", "surrogatepass")) <= LIMITS.max_name_bytes
