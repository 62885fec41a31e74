"""Which paths are works: a folder of episode files is one work, a folder of works is expanded."""

from __future__ import annotations

from pathlib import Path

from dockguard.formats import expand_works

CORPUS = Path(__file__).resolve().parents[3] / "corpus"


def test_a_folder_of_releases_is_scanned_release_by_release_and_a_folder_of_episodes_is_one_work():
    releases = expand_works([CORPUS / "releases"])
    assert len(releases) == 13 and all(p.is_file() for p in releases)
    originals = expand_works([CORPUS / "originals"])
    assert CORPUS / "originals" / "changan_gongque" in originals and len(originals) == 6


def test_manifests_hidden_files_and_results_in_a_folder_of_works_are_not_works(tmp_path: Path) -> None:
    (tmp_path / "show_a.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHi\n", encoding="utf-8")
    (tmp_path / "manifest.tsv").write_text("path\n", encoding="utf-8")
    (tmp_path / "result.json").write_text("{}", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    season = tmp_path / "show_b"
    season.mkdir()
    for n in (1, 2):
        (season / f"EP0{n}.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHi\n", encoding="utf-8")
    assert expand_works([tmp_path]) == [tmp_path / "show_a.srt", season]
