"""`dockguard verify`, `receipts head|timestamp-request|attach|check`, `works receipt`: receipts that
convince someone who does not trust whoever runs the database (chain heads published or timestamped
with RFC 3161, per-work receipts checkable offline). A check that finds a problem exits 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from dockguard.cli.common import EXIT_FLAGGED, EXIT_OK, db_option, emit_json, format_option, open_registry
from dockguard.cli.registry import works

_tsa_cert_option = click.option(
    "--tsa-cert",
    "tsa_certs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The TSA's CA certificate (PEM or DER; add the TSA's own if its responses lack it); repeatable. "
    "Without it, timestamps are checked against the chain but their signatures are not.",
)


def _certificates(paths: Sequence[Path]) -> Any:
    from dockguard.registry.timestamps import load_tsa_certificates

    return load_tsa_certificates(paths)


# --- verify ------------------------------------------------------------------------------------


@click.command()
@click.option(
    "--head",
    "heads",
    multiple=True,
    metavar="SEQ:HASH",
    help="A head published earlier (from `receipts head`): the chain must still pass through it; repeatable.",
)
@_tsa_cert_option
@click.option(
    "--tsr",
    "tsr_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A timestamp response kept outside the registry: the chain must contain the head it covers; repeatable.",
)
@db_option
@format_option("text", "json")
def verify(
    heads: Sequence[str], tsa_certs: Sequence[Path], tsr_files: Sequence[Path], db: str | None, fmt: str
) -> None:
    """Check the receipt chain, every registered work, published heads and timestamps.

    Exit 0 when everything checks out, 1 when something does not (tampering, a rewritten history).

    \b
    Examples:
      dockguard verify --format json
      dockguard verify --head 42:9f2c…e1 --tsa-cert tsa-ca.pem
    """
    from dockguard.registry.trust import parse_head
    from dockguard.registry.trust import verify as verify_registry

    parsed = [parse_head(text) for text in heads]
    certificates = _certificates(tsa_certs)
    with open_registry(db) as registry:
        report = verify_registry(
            registry, heads=parsed, tsa_certificates=certificates, timestamp_files=tsr_files
        )
    if fmt == "json":
        emit_json(report.to_json())
    else:
        for problem in report.problems:
            click.echo(f"TAMPERED: {problem}")
        for check in report.timestamps:
            if check.ok:
                where = f"receipt #{check.seq}" if check.seq else "the empty chain"
                click.echo(
                    f"timestamp {check.source}: {where} existed at {check.gen_time} ({check.tsa}; signature {check.signature})"
                )
        extra = f", {report.heads_checked} head(s)" if report.heads_checked else ""
        extra += f", {len(report.timestamps)} timestamp(s)" if report.timestamps else ""
        click.echo(
            f"{'OK' if report.ok else 'FAILED'}: {report.receipts_checked} receipt(s), "
            f"{report.works_checked} work(s){extra} checked."
        )
    sys.exit(EXIT_OK if report.ok else EXIT_FLAGGED)


# --- receipts ----------------------------------------------------------------------------------


@click.group()
def receipts() -> None:
    """The receipt chain's head, trusted timestamps over it, and exported work receipts.

    \b
    Example:
      dockguard receipts head --format json
      dockguard receipts timestamp-request -o head.tsq   # send to a TSA, get head.tsr back
      dockguard receipts attach head.tsr
      dockguard verify --tsa-cert tsa-ca.pem
    """


@receipts.command("head")
@db_option
@format_option("text", "json")
def receipts_head(db: str | None, fmt: str) -> None:
    """Print the chain head (SEQ:HASH) to publish or have timestamped; `verify --head` checks it later.

    \b
    Example:
      dockguard receipts head --format json
    """
    from dockguard.registry.trust import chain_head

    with open_registry(db) as registry:
        head = chain_head(registry)
    if fmt == "json":
        emit_json(head.to_json())
    else:
        click.echo(str(head))
        if head.at:
            click.echo(f"receipt #{head.seq} of {head.at}", err=True)


@receipts.command("timestamp-request")
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the TimeStampReq (.tsq, DER).",
)
@click.option("--no-nonce", is_flag=True, help="Leave the nonce out (some TSAs want none).")
@db_option
@format_option("text", "json")
def receipts_timestamp_request(output: Path, no_nonce: bool, db: str | None, fmt: str) -> None:
    """Write an RFC 3161 TimeStampReq for the chain head, to send to a timestamping authority.

    The TSA's answer (.tsr) is stored with `receipts attach`. What is timestamped is the text
    dockguard-chain-head-v1:SEQ:HASH (SHA-256).

    \b
    Example:
      dockguard receipts timestamp-request -o head.tsq
      curl -H 'Content-Type: application/timestamp-query' --data-binary @head.tsq https://tsa.example/tsr > head.tsr
    """
    import hashlib

    from dockguard.errors import InputError, RegistryError
    from dockguard.registry.timestamps import head_message, timestamp_request
    from dockguard.registry.trust import chain_head

    with open_registry(db) as registry:
        head = chain_head(registry)
    if head.seq == 0:
        raise RegistryError(f"the registry at {registry.url} has no receipts yet: nothing to timestamp")
    data = timestamp_request(head.seq, head.hash, nonce=not no_nonce)
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(output, f"cannot write the request: {exc.strerror}") from exc
    message = head_message(head.seq, head.hash)
    if fmt == "json":
        emit_json(
            {
                **head.to_json(),
                "message": message.decode("ascii"),
                "sha256": hashlib.sha256(message).hexdigest(),
                "request": str(output),
            }
        )
    else:
        click.echo(f"wrote {output}: a timestamp request for head {head.seq}:{head.hash}")


@receipts.command("attach")
@click.argument("tsr", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@format_option("text", "json")
def receipts_attach(tsr: Path, db: str | None, fmt: str) -> None:
    """Store a TSA's timestamp response (.tsr) for a head of the chain; `verify` checks it from then on.

    Exit 2 when it is not a granted RFC 3161 response or covers no head of this registry's chain.

    \b
    Example:
      dockguard receipts attach head.tsr
    """
    from dockguard.errors import InputError
    from dockguard.registry.timestamps import attach_timestamp

    try:
        data = tsr.read_bytes()
    except OSError as exc:
        raise InputError(tsr, f"cannot read it: {exc.strerror}") from exc
    with open_registry(db) as registry:
        stored = attach_timestamp(registry, data, str(tsr))
    info = {
        "id": stored.id,
        "seq": stored.seq,
        "head_hash": stored.head_hash,
        "gen_time": stored.gen_time,
        "tsa": stored.tsa,
        "digest": stored.digest,
        "attached_at": stored.attached_at,
    }
    if fmt == "json":
        emit_json(info)
    else:
        click.echo(f"attached {tsr}: receipt #{stored.seq} existed at {stored.gen_time} ({stored.tsa})")


@receipts.command("check")
@click.argument(
    "receipt_file", metavar="RECEIPT.json", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--script",
    type=click.Path(exists=True, path_type=Path),
    help="The registered script (file, folder or zip): its content hash must be the receipt's.",
)
@_tsa_cert_option
@format_option("text", "json")
def receipts_check(receipt_file: Path, script: Path | None, tsa_certs: Sequence[Path], fmt: str) -> None:
    """Check an exported work receipt offline (no registry needed). Exit 0 when it checks out, else 1.

    \b
    Example:
      dockguard receipts check yunduan-zhishang.receipt.json --script yunduan_zhishang.txt --tsa-cert tsa-ca.pem
    """
    from dockguard.errors import InputError
    from dockguard.registry.receipt_export import WorkReceipt, check_work_receipt

    try:
        data = json.loads(receipt_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(receipt_file, f"not a DockGuard work receipt ({exc})") from exc
    document = WorkReceipt.from_json(data, str(receipt_file))
    result = check_work_receipt(document, script=script, tsa_certificates=_certificates(tsa_certs))
    if fmt == "json":
        emit_json(result.to_json())
    else:
        for problem in result.problems:
            click.echo(f"FAILED: {problem}")
        for check in result.timestamps:
            if check.ok:
                click.echo(
                    f"{check.source}: existed at {check.gen_time} ({check.tsa}; signature {check.signature})"
                )
        state = "OK" if result.ok else "FAILED"
        anchored = (
            "anchored by a verified timestamp" if result.anchored else "not anchored (no verified timestamp)"
        )
        click.echo(
            f"{state}: {result.work_id}, {result.receipts_checked} receipt(s) to head {result.head}, "
            f"content {result.content}, {anchored}."
        )
    sys.exit(EXIT_OK if result.ok else EXIT_FLAGGED)


# --- works receipt -----------------------------------------------------------------------------


@click.command("receipt")
@click.argument("work_id")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the receipt here instead of stdout.",
)
@db_option
def works_receipt(work_id: str, output: Path | None, db: str | None) -> None:
    """Export a work's receipt with the chain path to the head (JSON), checkable offline.

    \b
    Example:
      dockguard works receipt yunduan-zhishang -o yunduan-zhishang.receipt.json
      dockguard receipts check yunduan-zhishang.receipt.json --script yunduan_zhishang.txt
    """
    from dockguard.errors import InputError
    from dockguard.registry.receipt_export import export_work_receipt

    with open_registry(db) as registry:
        document = export_work_receipt(registry, work_id)
    text = json.dumps(document.to_json(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(output, f"cannot write the receipt: {exc.strerror}") from exc
    click.echo(
        f"wrote {output}: receipt #{document.receipt.seq} of {work_id}, path to head {document.head} "
        f"({len(document.path)} later receipt(s), {len(document.timestamps)} timestamp(s))",
        err=True,
    )


works.add_command(works_receipt)
COMMANDS = [verify, receipts]
