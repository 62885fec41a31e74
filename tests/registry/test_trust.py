"""Receipts that convince an outsider: published heads, RFC 3161 timestamps, exported work receipts.

A consistently recomputed chain passes plain `verify` (it checks the database against itself); it
must fail against a head published earlier, a timestamp, or a receipt exported earlier.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, select, update

from dockguard.errors import InputError, TimestampError
from dockguard.registry import GENESIS_HASH, Registry
from dockguard.registry.receipt_export import WorkReceipt, check_work_receipt, export_work_receipt
from dockguard.registry.receipts import receipt_hash
from dockguard.registry.tables import LineRow, ReceiptRow, TimestampRow, WorkRow
from dockguard.registry.timestamps import (
    attach_timestamp,
    head_message,
    load_tsa_certificates,
    parse_timestamp_response,
    timestamp_request,
)
from dockguard.registry.trust import Head, chain_head, parse_head, verify

from .local_tsa import LocalTSA, make_tsa, openssl_available
from .registry_samples import sample_work

needs_openssl = pytest.mark.skipif(not openssl_available(), reason="the test TSA needs the openssl command")
Tamper = Callable[[Any], None]


@pytest.fixture(scope="module")
def tsa(tmp_path_factory: pytest.TempPathFactory) -> LocalTSA:
    if not openssl_available():
        pytest.skip("the test TSA needs the openssl command")
    return make_tsa(tmp_path_factory.mktemp("tsa"))


@pytest.fixture(scope="module")
def other_tsa(tmp_path_factory: pytest.TempPathFactory) -> LocalTSA:
    if not openssl_available():
        pytest.skip("the test TSA needs the openssl command")
    return make_tsa(tmp_path_factory.mktemp("other-tsa"), name="Somebody Else")


@pytest.fixture
def filled(registry: Registry) -> Registry:
    """Works a, b, c registered (receipts #1-#3)."""
    for work_id in ("a", "b", "c"):
        registry.add_work(sample_work(work_id, work_id))
    return registry


def rewrite_consistently(db_url: str, owner: str = "冒名者") -> None:
    """What someone who can write the database does: give work 'a' another owner and recompute the
    whole chain so that plain verify finds nothing."""
    engine = create_engine(db_url)
    with engine.begin() as connection:
        rows = connection.execute(select(ReceiptRow.__table__).order_by(ReceiptRow.seq)).mappings().all()
        prev = GENESIS_HASH
        for row in rows:
            new_owner = owner if row["work_id"] == "a" else row["owner"]
            digest = receipt_hash(prev, row["seq"], row["action"], row["work_id"], row["content_hash"], new_owner, row["at"])
            connection.execute(
                update(ReceiptRow).where(ReceiptRow.seq == row["seq"]).values(owner=new_owner, prev_hash=prev, hash=digest)
            )
            prev = digest
        connection.execute(update(WorkRow).where(WorkRow.work_id == "a").values(owner=owner))
    engine.dispose()


def delete_last_registration(db_url: str) -> None:
    """Delete work 'c' and its receipt (the last one): the rest of the chain is untouched."""
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(delete(LineRow).where(LineRow.work_id == "c"))
        connection.execute(delete(WorkRow).where(WorkRow.work_id == "c"))
        connection.execute(delete(ReceiptRow).where(ReceiptRow.work_id == "c"))
    engine.dispose()


# --- heads ---------------------------------------------------------------------------------------


def test_the_head_of_an_empty_chain_is_genesis(registry: Registry) -> None:
    assert chain_head(registry) == Head(0, GENESIS_HASH, None)
    assert verify(registry, heads=[Head(0, GENESIS_HASH)]).ok


def test_the_head_is_the_last_receipt(filled: Registry) -> None:
    last = filled.receipts()[-1]
    assert chain_head(filled) == Head(3, last.hash, last.at)
    assert str(chain_head(filled)) == f"3:{last.hash}"
    assert parse_head(f"3:{last.hash.upper()}") == Head(3, last.hash)


@pytest.mark.parametrize("text", ["3", "3:abc", "x:" + "0" * 64, "3:" + "g" * 64, ""])
def test_a_malformed_head_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="--head: .* is not SEQ:HASH"):
        parse_head(text)


def test_the_chain_extends_every_earlier_head(filled: Registry) -> None:
    early = Head(1, filled.receipts()[0].hash)
    head = chain_head(filled)
    filled.add_work(sample_work("d", "d"))
    report = verify(filled, heads=[early, head])
    assert report.ok and report.heads_checked == 2, report.problems


def test_a_consistently_rewritten_chain_passes_verify_but_not_a_published_head(filled: Registry, db_url: str) -> None:
    published = chain_head(filled)
    rewrite_consistently(db_url)
    assert filled.verify().ok  # the database agrees with itself...
    report = verify(filled, heads=[published])
    assert not report.ok  # ...but not with what was published
    assert any("receipt #3 now has hash" in p and "rewritten" in p for p in report.problems), report.problems


def test_a_deleted_tail_fails_the_published_head(filled: Registry, db_url: str) -> None:
    published = chain_head(filled)
    delete_last_registration(db_url)
    assert filled.verify().ok
    problems = verify(filled, heads=[published]).problems
    assert any("the chain ends at receipt #2" in p for p in problems), problems


def test_a_head_of_another_chain_fails(filled: Registry) -> None:
    problems = verify(filled, heads=[Head(2, "ab" * 32)]).problems
    assert any("receipt #2 now has hash" in p for p in problems), problems


# --- timestamps ----------------------------------------------------------------------------------


def stamp_head(tsa: LocalTSA, registry: Registry) -> bytes:
    head = chain_head(registry)
    return tsa.stamp(timestamp_request(head.seq, head.hash))


@needs_openssl
def test_a_timestamp_request_covers_the_head_message(filled: Registry, tsa: LocalTSA) -> None:
    import hashlib

    from rfc3161_client import TimeStampRequest  # noqa: F401  (the library reads what it wrote)

    head = chain_head(filled)
    _, token = parse_timestamp_response(tsa.stamp(timestamp_request(head.seq, head.hash)), "head.tsr")
    assert token.hash_algorithm == "sha256"
    assert token.imprint == hashlib.sha256(f"dockguard-chain-head-v1:3:{head.hash}".encode()).digest()
    assert head_message(head.seq, head.hash) == f"dockguard-chain-head-v1:3:{head.hash}".encode()
    assert "DockGuard Test TSA" in token.tsa


@needs_openssl
def test_an_attached_timestamp_verifies_with_the_tsa_certificate(filled: Registry, tsa: LocalTSA) -> None:
    stored = attach_timestamp(filled, stamp_head(tsa, filled), "head.tsr")
    assert (stored.seq, stored.head_hash) == (3, chain_head(filled).hash)
    assert attach_timestamp(filled, stored.tsr, "again.tsr") == stored  # stored once
    filled.add_work(sample_work("d", "d"))  # a later registration does not invalidate it
    report = verify(filled, tsa_certificates=load_tsa_certificates([tsa.ca_cert]))
    assert report.ok, report.problems
    [check] = report.timestamps
    assert (check.seq, check.signature, check.ok) == (3, "verified", True)
    # without a certificate the imprint is checked, the signature is not
    [unsigned] = verify(filled).timestamps
    assert (unsigned.signature, unsigned.ok) == ("not checked", True)


@needs_openssl
def test_a_timestamp_catches_a_consistently_rewritten_chain(filled: Registry, tsa: LocalTSA, db_url: str) -> None:
    attach_timestamp(filled, stamp_head(tsa, filled), "head.tsr")
    rewrite_consistently(db_url)
    assert filled.verify().ok
    report = verify(filled)
    assert not report.ok
    assert any("this registry's chain does not contain" in p for p in report.problems), report.problems


@needs_openssl
def test_a_kept_tsr_file_catches_a_rewrite_even_when_the_stored_one_is_deleted(
    filled: Registry, tsa: LocalTSA, db_url: str, tmp_path: Path, outsider: Tamper
) -> None:
    kept = tmp_path / "head.tsr"
    kept.write_bytes(stamp_head(tsa, filled))
    attach_timestamp(filled, kept.read_bytes(), str(kept))
    certs = load_tsa_certificates([tsa.ca_cert])
    assert verify(filled, tsa_certificates=certs, timestamp_files=[kept]).ok
    rewrite_consistently(db_url)
    outsider(delete(TimestampRow))
    assert verify(filled).ok  # nothing left in the database to contradict it
    report = verify(filled, tsa_certificates=certs, timestamp_files=[kept])
    assert not report.ok and any(str(kept) in p for p in report.problems), report.problems


@needs_openssl
def test_a_tampered_timestamp_is_refused(filled: Registry, tsa: LocalTSA, outsider: Tamper) -> None:
    good = stamp_head(tsa, filled)
    attach_timestamp(filled, good, "head.tsr")
    certs = load_tsa_certificates([tsa.ca_cert])
    # one bit of the signature flipped (the signature is the response's last bytes)
    forged = bytearray(good)
    forged[-5] ^= 0x01
    outsider(update(TimestampRow).values(tsr=bytes(forged)))
    report = verify(filled, tsa_certificates=certs)
    assert not report.ok
    [check] = report.timestamps
    assert check.signature == "failed" and "signature does not verify" in check.problems[0], check


@needs_openssl
def test_a_truncated_response_is_refused_on_attach(filled: Registry, tsa: LocalTSA) -> None:
    with pytest.raises(TimestampError, match=r"broken\.tsr: not an RFC 3161 timestamp response"):
        attach_timestamp(filled, stamp_head(tsa, filled)[:-40], "broken.tsr")
    with pytest.raises(TimestampError, match="not an RFC 3161"):
        attach_timestamp(filled, b"hello", "hello.tsr")
    assert filled.timestamps() == []


@needs_openssl
def test_a_timestamp_of_something_else_is_refused_on_attach(filled: Registry, tsa: LocalTSA) -> None:
    with pytest.raises(TimestampError, match=r"other\.tsr: it timestamps no head of the chain"):
        attach_timestamp(filled, tsa.stamp_data(b"dockguard-chain-head-v1:3:" + b"0" * 64), "other.tsr")


@needs_openssl
def test_a_timestamp_signed_by_another_tsa_fails_the_signature(
    filled: Registry, tsa: LocalTSA, other_tsa: LocalTSA
) -> None:
    attach_timestamp(filled, stamp_head(other_tsa, filled), "other.tsr")
    report = verify(filled, tsa_certificates=load_tsa_certificates([tsa.ca_cert]))
    assert not report.ok and report.timestamps[0].signature == "failed", report.problems


@needs_openssl
def test_the_tsa_leaf_alone_is_not_a_trust_anchor(filled: Registry, tsa: LocalTSA) -> None:
    attach_timestamp(filled, stamp_head(tsa, filled), "head.tsr")
    report = verify(filled, tsa_certificates=load_tsa_certificates([tsa.tsa_cert]))
    assert not report.ok and "no CA certificate" in report.problems[0]
    both = load_tsa_certificates([tsa.ca_cert, tsa.tsa_cert])
    assert verify(filled, tsa_certificates=both).ok


def test_a_bad_certificate_file_is_a_timestamp_error(tmp_path: Path) -> None:
    bad = tmp_path / "ca.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    with pytest.raises(TimestampError, match=r"ca\.pem: not an X\.509 certificate"):
        load_tsa_certificates([bad])


# --- exported work receipts ----------------------------------------------------------------------


@needs_openssl
def test_an_exported_receipt_checks_offline(filled: Registry, tsa: LocalTSA, tmp_path: Path) -> None:
    attach_timestamp(filled, stamp_head(tsa, filled), "head.tsr")
    document = export_work_receipt(filled, "a")
    assert document.receipt.seq == 1 and [r.seq for r in document.path] == [2, 3]
    assert document.head == chain_head(filled) and len(document.timestamps) == 1
    # the file round-trips through JSON, and is checked without the registry
    back = WorkReceipt.from_json(json.loads(json.dumps(document.to_json())), "a.receipt.json")
    assert back == document
    result = check_work_receipt(back, tsa_certificates=load_tsa_certificates([tsa.ca_cert]))
    assert result.ok and result.anchored and result.receipts_checked == 3, result.problems
    # and the live registry still contains its head
    assert verify(filled, heads=[back.head]).ok


def test_an_edited_exported_receipt_fails(filled: Registry) -> None:
    data = export_work_receipt(filled, "b").to_json()
    data["receipt"]["owner"] = "冒名者"
    result = check_work_receipt(WorkReceipt.from_json(data, "b.json"))
    assert not result.ok and "receipt #2" in result.problems[0] and "was edited" in result.problems[0]


def test_a_receipt_left_out_of_the_path_fails(filled: Registry) -> None:
    filled.add_work(sample_work("d", "d"))
    data = export_work_receipt(filled, "a").to_json()
    del data["path"][1]
    problems = check_work_receipt(WorkReceipt.from_json(data, "a.json")).problems
    assert any("receipt #4" in p and "missing from the path" in p for p in problems), problems


@needs_openssl
def test_a_consistently_recomputed_export_fails_its_timestamp(filled: Registry, tsa: LocalTSA) -> None:
    attach_timestamp(filled, stamp_head(tsa, filled), "head.tsr")
    document = export_work_receipt(filled, "a")
    receipts = [asdict(document.receipt), *(asdict(r) for r in document.path)]
    prev = GENESIS_HASH
    for item in receipts:
        if item["work_id"] == "a":
            item["owner"] = "冒名者"
        item["prev_hash"] = prev
        item["hash"] = prev = receipt_hash(
            prev, item["seq"], item["action"], item["work_id"], item["content_hash"], item["owner"], item["at"]
        )
    data = document.to_json()
    data["receipt"], data["path"] = receipts[0], receipts[1:]
    result = check_work_receipt(WorkReceipt.from_json(data, "a.json"), tsa_certificates=load_tsa_certificates([tsa.ca_cert]))
    assert not result.ok and not result.anchored
    assert any("does not contain" in p for p in result.problems), result.problems


def test_an_exported_receipt_checks_the_script(tmp_path: Path, db_url: str) -> None:
    from dockguard.formats import read_script
    from dockguard.pipeline import make_work

    script_file = tmp_path / "original.txt"
    script_file.write_text("第1集\n1-1 日 内 办公室\n林霄：好久不见。\n苏晚：你怎么会在这里？\n", encoding="utf-8")
    with Registry.open(db_url) as registry:
        registry.add_work(make_work(read_script(script_file), work_id="orig", title="原作", owner="o", language="zh-Hans"))
        document = export_work_receipt(registry, "orig")
    assert check_work_receipt(document, script=script_file).content == "matches"
    edited = tmp_path / "edited.txt"
    edited.write_text(script_file.read_text(encoding="utf-8").replace("好久不见", "初次见面"), encoding="utf-8")
    result = check_work_receipt(document, script=edited)
    assert result.content == "differs" and not result.ok and "not the registered script" in result.problems[0]


@pytest.mark.parametrize(
    "data",
    [{}, {"format": "something-else"}, {"format": "dockguard-work-receipt-v1"}, [1, 2]],
)
def test_a_file_that_is_not_a_receipt_is_an_input_error(data: object) -> None:
    with pytest.raises(InputError, match=r"x\.json: .*(not a|damaged) DockGuard work receipt"):
        WorkReceipt.from_json(data, "x.json")


# --- the commands --------------------------------------------------------------------------------


@needs_openssl
def test_the_commands_end_to_end(db_url: str, tsa: LocalTSA, tmp_path: Path, trust_cli: Callable[..., Any]) -> None:
    with Registry.open(db_url) as registry:
        for work_id in ("a", "b", "c"):
            registry.add_work(sample_work(work_id, work_id))
    db = ["--db", db_url]
    head = trust_cli("receipts", "head", *db)
    assert head.exit_code == 0
    text_head = head.stdout.strip().splitlines()[0]
    as_json = json.loads(trust_cli("receipts", "head", "--format", "json", *db).stdout)
    assert set(as_json) == {"seq", "hash", "at"} and text_head == f"{as_json['seq']}:{as_json['hash']}"

    tsq, tsr = tmp_path / "head.tsq", tmp_path / "head.tsr"
    request = trust_cli("receipts", "timestamp-request", "-o", str(tsq), "--format", "json", *db)
    assert request.exit_code == 0 and json.loads(request.stdout)["message"] == f"dockguard-chain-head-v1:{text_head}"
    tsr.write_bytes(tsa.stamp(tsq.read_bytes()))
    attached = trust_cli("receipts", "attach", str(tsr), "--format", "json", *db)
    assert attached.exit_code == 0 and json.loads(attached.stdout)["seq"] == 3

    ok = trust_cli("verify", "--head", text_head, "--tsa-cert", str(tsa.ca_cert), "--tsr", str(tsr), "--format", "json", *db)
    assert ok.exit_code == 0, ok.stdout
    report = json.loads(ok.stdout)
    assert report["heads_checked"] == 1 and [t["signature"] for t in report["timestamps"]] == ["verified", "verified"]

    receipt_file = tmp_path / "a.receipt.json"
    exported = trust_cli("works", "receipt", "a", "-o", str(receipt_file), *db)
    assert exported.exit_code == 0 and receipt_file.is_file()
    checked = trust_cli("receipts", "check", str(receipt_file), "--tsa-cert", str(tsa.ca_cert), "--format", "json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["anchored"] is True

    bad = tmp_path / "bad.tsr"
    bad.write_bytes(tsr.read_bytes()[:100])
    refused = trust_cli("receipts", "attach", str(bad), *db)
    assert refused.exit_code == 2 and "bad.tsr: not an RFC 3161 timestamp response" in refused.stderr
    malformed = trust_cli("verify", "--head", "3", *db)
    assert malformed.exit_code == 2 and "--head" in malformed.stderr

    rewrite_consistently(db_url)
    assert trust_cli("verify", *[a for a in db]).exit_code == 1  # the stored timestamp no longer matches
    failed = trust_cli("verify", "--head", text_head, *db)
    assert failed.exit_code == 1 and "TAMPERED" in failed.stdout and "rewritten" in failed.stdout
    receipt_file.write_text(receipt_file.read_text(encoding="utf-8").replace('"seq": 2', '"seq": 7', 1), encoding="utf-8")
    assert trust_cli("receipts", "check", str(receipt_file)).exit_code == 1


def test_timestamp_request_on_an_empty_registry_is_refused(db_url: str, tmp_path: Path, trust_cli: Callable[..., Any]) -> None:
    result = trust_cli("receipts", "timestamp-request", "-o", str(tmp_path / "x.tsq"), "--db", db_url)
    assert result.exit_code == 2 and "nothing to timestamp" in result.stderr
