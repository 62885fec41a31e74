"""End to end on the bundled corpus with the real model: every expected answer comes out right."""

from __future__ import annotations

from pathlib import Path

import pytest

from dockguard.model import ScanResult, VerdictLevel

CORPUS = Path(__file__).resolve().parents[1] / "corpus"

pytestmark = pytest.mark.model


def _renames(notes: str) -> list[tuple[str, str]]:
    return [tuple(x.strip() for x in pair.split("->", 1)) for pair in notes.split(";") if "->" in pair]  # type: ignore[misc]


def _unexpected(results: dict[str, ScanResult], releases: list[dict[str, str]]) -> list[str]:
    wrong = []
    for r in releases:
        result = results[r["path"]]
        best = result.matches[0] if result.matches else None
        verdict = result.verdict.value
        work = best.work_id if best and verdict != "clear" else ""
        if (verdict, work) != (r["expected_verdict"], r["expected_work_id"]):
            wrong.append(f"{r['path']}: got {verdict} {work or '-'}, expected {r['expected_verdict']} {r['expected_work_id'] or '-'}")
    return wrong


def test_every_release_gets_its_expected_verdict_and_work(corpus_scan, corpus_releases):
    wrong = _unexpected(corpus_scan, corpus_releases)
    assert not wrong, "\n".join(wrong)


def test_verdicts_hold_when_retrieval_probes_only_a_few_inverted_lists(corpus_db, corpus_releases, real_embedder):
    """Large registries are searched through faiss inverted lists of compressed codes
    (IndexSettings.min_lines). Forced on the corpus with small lists, of which each release line
    probes about one in twenty, every release still gets its expected answer."""
    from dockguard.config import EngineSettings
    from dockguard.formats import read_script
    from dockguard.index.settings import IndexSettings
    from dockguard.pipeline import Scanner
    from dockguard.registry import Registry

    settings = EngineSettings(index=IndexSettings(min_lines=0, lines_per_list=8, probes=5))
    with Registry.open(corpus_db) as registry:
        scanner = Scanner(registry, real_embedder, settings)
        lists = scanner.index.lines.lists
        assert lists is not None and lists.lists >= 20 * settings.index.probes and len(lists) == len(scanner.index)
        results = {r["path"]: scanner.scan(read_script(CORPUS / r["path"]), r["path"]) for r in corpus_releases}
    wrong = _unexpected(results, corpus_releases)
    assert not wrong, "\n".join(wrong)


def test_copies_score_far_above_unrelated_works(corpus_scan, corpus_releases):
    copies = [corpus_scan[r["path"]].matches[0].verdict.score for r in corpus_releases if r["expected_work_id"]]
    clear = [max((m.verdict.score for m in corpus_scan[r["path"]].matches), default=0.0)
             for r in corpus_releases if not r["expected_work_id"]]
    assert min(copies) > max(clear) + 2  # two orders of magnitude in estimated chance rate


def test_localized_copies_show_their_character_renames(corpus_scan, corpus_releases):
    for r in corpus_releases:
        if r["expected_verdict"] != "localized-copy":
            continue
        found = {(x.original, x.release.casefold()) for x in corpus_scan[r["path"]].matches[0].evidence.renames if x.renamed}
        expected = [(a, b.casefold()) for a, b in _renames(r["notes"])]
        hits = [pair for pair in expected if pair in found]
        assert len(hits) >= 1, f"{r['path']}: none of {expected} among {sorted(found)}"


def test_translated_copies_pair_names_with_their_transliterations(corpus_scan, corpus_releases):
    for r in corpus_releases:
        if r["expected_verdict"] != "translated-copy":
            continue
        renames = corpus_scan[r["path"]].matches[0].evidence.renames
        assert renames and not any(x.renamed and x.kind == "character" and x.support >= 3 for x in renames), r["path"]


def test_reordered_release_is_found_with_its_order_changed(corpus_scan, corpus_releases):
    for r in corpus_releases:
        if r["kind"] == "localized-reordered":
            evidence = corpus_scan[r["path"]].matches[0].evidence
            assert not evidence.order_kept
            assert len([b for b in evidence.blocks if b.pairs >= 5]) >= 3


def test_partial_copy_points_at_the_copied_scenes_only(corpus_scan, corpus_releases):
    for r in corpus_releases:
        if r["kind"] == "partial":
            result = corpus_scan[r["path"]]
            e = result.matches[0].evidence
            assert result.verdict is VerdictLevel.PARTIAL_COPY
            assert e.coverage_release < 0.5
            # the copied lines come from one episode of the original
            assert len({p.original.episode for p in e.pairs}) <= 2


def test_evidence_points_at_places_in_both_works(corpus_scan, corpus_releases):
    for r in corpus_releases:
        result = corpus_scan[r["path"]]
        if result.verdict is VerdictLevel.CLEAR:
            continue
        pair = result.matches[0].evidence.pairs[0]
        assert pair.original.where and pair.release.where
        if r["path"].endswith(".srt"):
            assert "@" in pair.release.where  # subtitle time


def test_the_ci_check_blocks_a_localized_copy_and_passes_an_unrelated_work(corpus_db):
    from click.testing import CliRunner

    from dockguard.cli import main

    releases = "corpus/releases/"
    runner = CliRunner()
    blocked = runner.invoke(main, ["scan", releases + "en/above_the_skyline.en.fdx", "--db", corpus_db,
                                   "--fail-on", "localized-copy", "--format", "json"])
    assert blocked.exit_code == 1, blocked.output
    passed = runner.invoke(main, ["scan", releases + "unrelated/xihu_wusheng_ep04.en.fountain", "--db", corpus_db,
                                  "--fail-on", "review", "--format", "json"])
    assert passed.exit_code == 0, passed.output


def test_the_json_schema_validates_every_corpus_result(corpus_scan):
    import json

    import jsonschema

    from dockguard.report.document import ScanDocument

    schema = json.loads((Path(__file__).resolve().parents[1] / "dockguard/report/scan.schema.json").read_text("utf-8"))
    document = ScanDocument.build(corpus_scan.values(), registry="sqlite://", model="m", fail_on=VerdictLevel.PARTIAL_COPY)
    data = json.loads(document.dumps())
    jsonschema.validate(data, schema)
    assert ScanDocument.from_json(data) == document
