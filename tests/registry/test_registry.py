"""Registering, reading back and removing works; on SQLite and PostgreSQL alike."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockguard.errors import AlreadyRegistered, NotRegistered, RegistryError
from dockguard.model import Line, LineKind, Location, Work
from dockguard.registry import GENESIS_HASH, Artifact, Registry, content_hash
from dockguard.registry import store as store_module

from .registry_samples import artifacts, sample_artifacts, sample_work, works


def registered(work: Work, at: str) -> Work:
    """What get_work returns for `work` registered at `at`."""
    return replace(work, content_hash=content_hash(work.script), registered_at=at)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(work=works, stored=artifacts)
def test_any_work_round_trips_exactly(registry: Registry, work: Work, stored: list[Artifact]) -> None:
    receipt = registry.add_work(work, stored)
    try:
        assert registry.get_work(work.work_id) == registered(work, receipt.at)
        assert registry.work_lines(work.work_id) == work.script.lines
        assert registry.line_texts().get(work.work_id, []) == [line.text for line in work.script.lines]
        kinds = {(artifact.kind, artifact.config_key) for artifact in stored}
        back = [item for kind, key in sorted(kinds) for item in registry.iter_artifacts(kind, key)]
        assert {work_id for work_id, _ in back} <= {work.work_id}
        assert [artifact for _, artifact in back] == sorted(stored, key=_artifact_key)
    finally:
        registry.remove_work(work.work_id)


def _artifact_key(artifact: Artifact) -> tuple[str, str, int]:
    return artifact.kind, artifact.config_key, artifact.part


def test_add_sets_time_hash_and_receipt(registry: Registry) -> None:
    work = sample_work("w1")
    receipt = registry.add_work(work)
    assert receipt.seq == 1 and receipt.action == "register" and receipt.prev_hash == GENESIS_HASH
    assert receipt.at == "2025-01-01T00:00:00Z"
    assert receipt.content_hash == content_hash(work.script) and receipt.owner == work.owner
    assert registry.get_work("w1") == registered(work, "2025-01-01T00:00:00Z")
    assert registry.receipt_for("w1") == receipt
    second = registry.add_work(sample_work("w2"))
    assert second.seq == 2 and second.prev_hash == receipt.hash and second.at == "2025-01-01T00:00:01Z"


def test_a_correct_content_hash_is_accepted_and_a_wrong_one_refused(registry: Registry) -> None:
    work = sample_work("w1")
    registry.add_work(replace(work, content_hash=content_hash(work.script)))
    with pytest.raises(RegistryError, match="does not match its script"):
        registry.add_work(replace(sample_work("w2"), content_hash="0" * 64))


def test_batch_is_one_transaction_with_one_time(registry: Registry) -> None:
    receipts = registry.add_works([(sample_work(f"w{i}"), sample_artifacts(2)) for i in range(3)])
    assert [receipt.seq for receipt in receipts] == [1, 2, 3]
    assert len({receipt.at for receipt in receipts}) == 1
    assert [receipt.prev_hash for receipt in receipts[1:]] == [receipt.hash for receipt in receipts[:-1]]
    assert registry.add_works([]) == []
    assert registry.verify().ok


def test_same_content_is_refused_naming_the_registered_work(registry: Registry) -> None:
    registry.add_work(sample_work("original", variant="x"))
    copy = sample_work("copy", variant="x")
    # re-saved elsewhere: other files, encodings, line numbers, title, owner, whitespace
    resaved = replace(
        copy.script,
        sources=(),
        episodes=tuple(
            replace(
                episode,
                scenes=tuple(
                    replace(
                        scene,
                        lines=tuple(
                            replace(line, text=f"  {line.text} ", location=Location("other.docx"))
                            for line in scene.lines
                        ),
                    )
                    for scene in episode.scenes
                ),
            )
            for episode in copy.script.episodes
        ),
    )
    with pytest.raises(AlreadyRegistered, match="same content") as refused:
        registry.add_work(replace(copy, script=resaved, owner="someone else"))
    assert refused.value.existing_id == "original"
    assert [summary.work_id for summary in registry.list_works()] == ["original"]


def test_same_work_id_is_refused(registry: Registry) -> None:
    registry.add_work(sample_work("w1"))
    with pytest.raises(AlreadyRegistered, match="registered already") as refused:
        registry.add_work(sample_work("w1", variant="other content"))
    assert refused.value.existing_id == "w1"


@pytest.mark.parametrize(
    ("middle", "existing_id"),
    [
        (sample_work("b", variant="registered"), "registered"),  # same content as a registered work
        (sample_work("registered", variant="new"), "registered"),  # same id as a registered work
        (sample_work("b", variant="a"), "a"),  # same content as an earlier work in the batch
        (sample_work("a", variant="new"), "a"),  # same id as an earlier work in the batch
    ],
)
def test_a_batch_with_a_duplicate_writes_nothing(registry: Registry, middle: Work, existing_id: str) -> None:
    registry.add_work(sample_work("registered"))
    before = (registry.list_works(), registry.receipts(), registry.stats())
    batch = [(sample_work("a"), sample_artifacts()), (middle, sample_artifacts()), (sample_work("c"), ())]
    with pytest.raises(AlreadyRegistered) as refused:
        registry.add_works(batch)
    assert refused.value.existing_id == existing_id
    assert (registry.list_works(), registry.receipts(), registry.stats()) == before
    assert registry.verify().ok


def test_a_failure_mid_insert_rolls_everything_back(
    registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry.add_work(sample_work("first"))
    before = (registry.list_works(), registry.receipts(), registry.stats())
    made = []

    def failing_make_receipt(**fields: object) -> object:
        # the works, lines and artifacts of the batch are in the database by now
        made.append(fields)
        if len(made) == 2:
            raise RuntimeError("power cut")
        return original(**fields)  # type: ignore[arg-type]

    original = store_module.make_receipt
    monkeypatch.setattr(store_module, "make_receipt", failing_make_receipt)
    with pytest.raises(RuntimeError, match="power cut"):
        registry.add_works([(sample_work("a"), sample_artifacts()), (sample_work("b"), sample_artifacts())])
    monkeypatch.undo()
    assert (registry.list_works(), registry.receipts(), registry.stats()) == before
    assert list(registry.iter_artifacts("minhash", "mh-128-5")) == []
    assert registry.verify().ok
    registry.add_work(sample_work("a"))  # nothing of the failed batch is left to clash with


@pytest.mark.parametrize(
    ("work", "message"),
    [
        (replace(sample_work("w"), title="bad\x00title"), "title contains a NUL"),
        (replace(sample_work("w"), work_id=""), "non-empty work_id"),
        (
            replace(
                sample_work("w"),
                script=replace(
                    sample_work("w").script,
                    episodes=(
                        replace(sample_work("w").script.episodes[0], number=2**70),
                        *sample_work("w").script.episodes[1:],
                    ),
                ),
            ),
            "episode number must be an integer",
        ),
    ],
)
def test_values_a_database_cannot_keep_are_refused(registry: Registry, work: Work, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        registry.add_work(work)
    assert registry.list_works() == []


def test_an_unknown_line_kind_is_refused(registry: Registry) -> None:
    base = sample_work("w")
    odd = replace(base.script.lines[0], kind="monologue")  # type: ignore[arg-type]
    scene = replace(base.script.episodes[0].scenes[0], lines=(odd,))
    work = replace(
        base, script=replace(base.script, episodes=(replace(base.script.episodes[0], scenes=(scene,)),))
    )
    with pytest.raises(RegistryError, match="'monologue' is not a valid LineKind"):
        registry.add_work(work)


def test_bad_artifacts_are_refused(registry: Registry) -> None:
    twice = [Artifact("minhash", "k", 0, 0, 1, b"a"), Artifact("minhash", "k", 0, 1, 2, b"b")]
    with pytest.raises(RegistryError, match="two artifacts minhash/k with part 0"):
        registry.add_work(sample_work("w"), twice)
    with pytest.raises(RegistryError, match="not bytes"):
        registry.add_work(sample_work("w"), [Artifact("minhash", "k", 0, 0, 1, "text")])  # type: ignore[arg-type]
    assert registry.list_works() == []


def test_artifacts_round_trip_and_filter(registry: Registry) -> None:
    minhash_a = sample_artifacts(3)
    embedding_a = sample_artifacts(2, kind="embedding", config_key="e5-small")
    minhash_b = sample_artifacts(2)
    other_config = sample_artifacts(1, config_key="mh-64-3")
    registry.add_work(sample_work("a"), [*minhash_a, *embedding_a])
    registry.add_work(sample_work("b"), [*minhash_b, *other_config])
    registry.add_work(sample_work("c"), [])
    assert list(registry.iter_artifacts("minhash", "mh-128-5")) == [
        *(("a", artifact) for artifact in minhash_a),
        *(("b", artifact) for artifact in minhash_b),
    ]
    assert list(registry.iter_artifacts("embedding", "e5-small")) == [
        ("a", artifact) for artifact in embedding_a
    ]
    assert list(registry.iter_artifacts("minhash", "mh-64-3")) == [("b", other_config[0])]
    assert list(registry.iter_artifacts("minhash", "mh-128-5", ["b", "unknown"])) == [
        ("b", artifact) for artifact in minhash_b
    ]
    assert list(registry.iter_artifacts("minhash", "mh-128-5", [])) == []
    assert list(registry.iter_artifacts("embedding", "mh-128-5")) == []
    big = Artifact("embedding", "big", 0, 0, 100, bytes(range(256)) * 4096)
    registry.add_work(sample_work("d"), [big])
    assert list(registry.iter_artifacts("embedding", "big")) == [("d", big)]


def test_list_find_and_stats(registry: Registry) -> None:
    registry.add_work(sample_work("b"), sample_artifacts(2))
    registry.add_work(sample_work("a"))
    summaries = registry.list_works()
    assert [summary.work_id for summary in summaries] == ["b", "a"]  # registration order
    first = summaries[0]
    assert (first.title, first.owner, first.language) == ("逆光而行 b", "星河影业", "zh-Hans")
    assert (first.episodes, first.lines, first.registered_at) == (2, 4, "2025-01-01T00:00:00Z")
    assert registry.find_by_content_hash(content_hash(sample_work("a").script)) == summaries[1]
    assert registry.find_by_content_hash("f" * 64) is None
    stats = registry.stats()
    assert (stats.works, stats.episodes, stats.lines, stats.artifacts, stats.receipts) == (2, 4, 8, 2, 2)
    assert stats.artifact_bytes == 2 * 21 and stats.schema_version == 2
    assert stats.backend == registry.backend and stats.url == registry.url


def test_unknown_work_is_not_registered(registry: Registry) -> None:
    for call in (registry.get_work, registry.work_lines, registry.receipt_for, registry.remove_work):
        with pytest.raises(NotRegistered, match="no work 'nope'"):
            call("nope")


def test_remove_deletes_everything_and_keeps_the_chain_whole(registry: Registry) -> None:
    registry.add_work(sample_work("keep"), sample_artifacts())
    added = registry.add_work(sample_work("gone", variant="v"), sample_artifacts())
    removed = registry.remove_work("gone")
    assert (removed.action, removed.work_id, removed.content_hash) == ("remove", "gone", added.content_hash)
    assert removed.prev_hash == added.hash
    assert [summary.work_id for summary in registry.list_works()] == ["keep"]
    assert [work_id for work_id, _ in registry.iter_artifacts("minhash", "mh-128-5")] == ["keep"] * 3
    stats = registry.stats()
    assert (stats.works, stats.episodes, stats.lines, stats.artifacts, stats.receipts) == (1, 2, 4, 3, 3)
    report = registry.verify()
    assert report.ok, report.problems
    # the same content and id can be registered again after removal
    again = registry.add_work(sample_work("gone", variant="v"))
    assert registry.receipt_for("gone") == again
    assert [receipt.action for receipt in registry.receipts("gone")] == ["register", "remove", "register"]
    assert registry.verify().ok


def test_reopening_keeps_the_works(db_url: str, registry: Registry) -> None:
    registry.add_work(sample_work("w1"), sample_artifacts())
    expected = registry.get_work("w1")
    registry.close()
    with Registry.open(db_url) as reopened:
        assert reopened.get_work("w1") == expected
        assert reopened.verify().ok


def test_lines_of_every_kind_keep_their_fields(registry: Registry) -> None:
    base = sample_work("w")
    line = Line("台词", LineKind.NOTE, Location("a.vtt", 7, 0, 2**40), speaker="", note="")
    episode = replace(
        base.script.episodes[0], scenes=(replace(base.script.episodes[0].scenes[0], lines=(line,)),)
    )
    work = replace(base, script=replace(base.script, episodes=(episode,)))
    registry.add_work(work)
    assert registry.work_lines("w") == (line,)


_distinct_works = st.lists(
    works, min_size=1, max_size=4, unique_by=(lambda work: work.work_id, lambda work: content_hash(work.script))
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=_distinct_works)
def test_any_batch_is_listed_chained_found_by_content_and_guards_it(registry: Registry, batch: list[Work]) -> None:
    before = registry.receipts()  # the registry outlives one example: removals leave receipts
    receipts = registry.add_works([(work, ()) for work in batch])
    try:
        hashes = [content_hash(work.script) for work in batch]
        assert [(r.action, r.work_id, r.content_hash) for r in receipts] == [
            ("register", work.work_id, digest) for work, digest in zip(batch, hashes, strict=True)
        ]
        heads = [before[-1].hash if before else GENESIS_HASH] + [r.hash for r in receipts]
        assert [r.prev_hash for r in receipts] == heads[:-1]
        assert registry.receipts() == [*before, *receipts]
        # one batch, one registration time (the order within it is the database's collation of ids)
        summaries = registry.list_works()
        assert sorted((s.work_id, s.registered_at, s.content_hash, s.episodes, s.lines) for s in summaries) == sorted(
            (work.work_id, receipts[0].at, digest, len(work.script.episodes), len(work.script.lines))
            for work, digest in zip(batch, hashes, strict=True)
        )
        for summary in summaries:
            assert registry.find_by_content_hash(summary.content_hash) == summary
        # the same content under a new id, title and sources is refused, naming the registered work
        new_id = "~" * 13  # longer than any generated id
        for work in batch:
            resaved = replace(work, work_id=new_id, title="x", script=replace(work.script, title="x", sources=()))
            with pytest.raises(AlreadyRegistered, match="same content") as refused:
                registry.add_work(resaved)
            assert refused.value.existing_id == work.work_id
        assert registry.verify().ok
    finally:  # whatever got in, so the next example starts empty
        for summary in registry.list_works():
            registry.remove_work(summary.work_id)
    assert registry.verify().ok
