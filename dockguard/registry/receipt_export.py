"""A work's receipt as a file its rights holder keeps: checkable offline, without the registry.

The document holds the receipt that registered the work, every later receipt up to the chain's head
at export time (the path from the work to the head: each one's hash covers the one before it), and
the timestamp responses stored for heads on that path. `check_work_receipt` recomputes all of it;
with the script file it also recomputes the content hash, with the TSA's certificates it checks the
timestamps' signatures. Against the live registry, `verify --head SEQ:HASH` with the document's head
then proves the registry still contains that path.

The path lists the other receipts' fields (work ids, content hashes, owners): they are what the
chain publishes. It grows with the registry's activity since the work was registered.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dockguard.errors import InputError, RegistryError

from .receipts import ACTIONS, Receipt, receipt_hash
from .records import TimestampCheck
from .store import Registry, format_utc, utc_now
from .timestamps import HEAD_MESSAGE_TAG, check_timestamp
from .trust import Head

if TYPE_CHECKING:
    from cryptography.x509 import Certificate

FORMAT = "dockguard-work-receipt-v1"
_RECEIPT_FIELDS = ("seq", "action", "work_id", "content_hash", "owner", "at", "prev_hash", "hash")


@dataclass(frozen=True, slots=True)
class ExportedTimestamp:
    """A timestamp response over the head (`seq`, `head_hash`) of the path, as the TSA sent it."""

    seq: int
    head_hash: str
    gen_time: str
    tsa: str
    tsr: bytes


@dataclass(frozen=True, slots=True)
class WorkReceipt:
    """The exported document; `to_json()` is the file, `from_json()` reads one back."""

    registry: str
    exported_at: str
    work_id: str
    title: str
    receipt: Receipt
    path: tuple[Receipt, ...]
    timestamps: tuple[ExportedTimestamp, ...]

    @property
    def head(self) -> Head:
        last = self.path[-1] if self.path else self.receipt
        return Head(last.seq, last.hash, last.at)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "registry": self.registry,
            "exported_at": self.exported_at,
            "work": {"work_id": self.work_id, "title": self.title, "content_hash": self.receipt.content_hash},
            "receipt": asdict(self.receipt),
            "path": [asdict(receipt) for receipt in self.path],
            "head": self.head.to_json(),
            "timestamps": [
                {
                    "seq": stamp.seq,
                    "head_hash": stamp.head_hash,
                    "gen_time": stamp.gen_time,
                    "tsa": stamp.tsa,
                    "tsr": base64.b64encode(stamp.tsr).decode("ascii"),
                }
                for stamp in self.timestamps
            ],
            "how_to_check": (
                "Each receipt's hash is sha256 of the JSON array [prev_hash, seq, action, work_id, "
                "content_hash, owner, at] (UTF-8, no spaces); each receipt's prev_hash is the hash of the "
                "one before it. A timestamp covers the ASCII text "
                f"'{HEAD_MESSAGE_TAG}:SEQ:HASH' of a head on the path. "
                "`dockguard receipts check FILE --script SCRIPT --tsa-cert CA.pem` checks all of it; "
                "`dockguard verify --head SEQ:HASH` checks the registry still contains the path."
            ),
        }

    @classmethod
    def from_json(cls, data: object, source: str) -> WorkReceipt:
        """The document read back; InputError (naming `source`) when it is not one."""
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            raise InputError(source, f'not a DockGuard work receipt (no "format": "{FORMAT}")')
        try:
            work = data["work"]
            stamps = tuple(
                ExportedTimestamp(
                    seq=_integer(item["seq"]),
                    head_hash=str(item["head_hash"]),
                    gen_time=str(item.get("gen_time", "")),
                    tsa=str(item.get("tsa", "")),
                    tsr=base64.b64decode(str(item["tsr"]), validate=True),
                )
                for item in data.get("timestamps", [])
            )
            return cls(
                registry=str(data.get("registry", "")),
                exported_at=str(data.get("exported_at", "")),
                work_id=str(work["work_id"]),
                title=str(work.get("title", "")),
                receipt=_receipt(data["receipt"]),
                path=tuple(_receipt(item) for item in data["path"]),
                timestamps=stamps,
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as exc:
            raise InputError(
                source, f"a damaged DockGuard work receipt ({type(exc).__name__}: {exc})"
            ) from exc


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """What `check_work_receipt` found. `content` is "matches", "differs" or "not checked";
    `anchored` is true when a timestamp on the path verified against the given TSA certificates (a
    document without one is only self-consistent: compare its head with one published earlier)."""

    work_id: str
    head: Head
    receipts_checked: int
    content: str
    timestamps: tuple[TimestampCheck, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def anchored(self) -> bool:
        return any(check.ok and check.signature == "verified" for check in self.timestamps)

    def to_json(self) -> dict[str, Any]:
        """`dockguard receipts check --format json`."""
        return {
            "ok": self.ok,
            "work_id": self.work_id,
            "head": self.head.to_json(),
            "anchored": self.anchored,
            "receipts_checked": self.receipts_checked,
            "content": self.content,
            "timestamps": [check.to_json() for check in self.timestamps],
            "problems": list(self.problems),
        }


def export_work_receipt(registry: Registry, work_id: str) -> WorkReceipt:
    """The receipt of the work registered as `work_id`, with the chain path to the current head and
    the stored timestamps of heads on that path. NotRegistered when there is no such work."""
    summary = next((w for w in registry.list_works() if w.work_id == work_id), None)
    receipt = registry.receipt_for(work_id)
    chain = registry.receipts(from_seq=receipt.seq)
    if not chain or chain[0] != receipt:
        raise RegistryError(f"the chain in {registry.url} changed while exporting; run it again")
    on_path = {r.seq: r.hash for r in chain}
    stamps = tuple(
        ExportedTimestamp(stamp.seq, stamp.head_hash, stamp.gen_time, stamp.tsa, stamp.tsr)
        for stamp in registry.timestamps()
        if on_path.get(stamp.seq) == stamp.head_hash
    )
    return WorkReceipt(
        registry=registry.url,
        exported_at=format_utc(utc_now()),
        work_id=work_id,
        title=summary.title if summary is not None else "",
        receipt=receipt,
        path=tuple(chain[1:]),
        timestamps=stamps,
    )


def check_work_receipt(
    document: WorkReceipt,
    *,
    script: Path | None = None,
    tsa_certificates: Sequence[Certificate] = (),
) -> ReceiptCheck:
    """Recompute an exported receipt offline: its hash, the path's links and hashes up to its head,
    its timestamps (signatures too with `tsa_certificates`), and with `script` the content hash of
    that file (read as `dockguard register` would). Problems are reported, not raised."""
    problems: list[str] = []
    receipt = document.receipt
    name = f"receipt #{receipt.seq}"
    if receipt.action != "register":
        problems.append(f"{name} is a {receipt.action!r} receipt, not the work's registration")
    if receipt.work_id != document.work_id:
        problems.append(f"{name} registers {receipt.work_id!r}, not {document.work_id!r}")
    chain = {receipt.seq: receipt.hash}
    previous = None
    for current in (receipt, *document.path):
        label = f"receipt #{current.seq} ({current.action} {current.work_id!r})"
        if current.action not in ACTIONS:
            problems.append(f"{label}: unknown action")
        fields = (current.action, current.work_id, current.content_hash, current.owner, current.at)
        if current.hash != receipt_hash(current.prev_hash, current.seq, *fields):
            problems.append(f"{label}: its hash does not match its fields: the receipt was edited")
        if previous is not None:
            if current.seq != previous.seq + 1:
                problems.append(
                    f"{label}: follows receipt #{previous.seq}: a receipt is missing from the path"
                )
            if current.prev_hash != previous.hash:
                problems.append(f"{label}: does not follow receipt #{previous.seq} (prev_hash mismatch)")
        chain[current.seq] = current.hash
        previous = current
    content = "not checked"
    if script is not None:
        from dockguard.formats import read_script

        from .content import content_hash

        actual = content_hash(read_script(script))
        content = "matches" if actual == receipt.content_hash else "differs"
        if content == "differs":
            problems.append(
                f"{script}: its content hash {actual[:16]}… is not the registered {receipt.content_hash[:16]}…: "
                "not the registered script (or it was edited since)"
            )
    checks = []
    for stamp in document.timestamps:
        source = f"timestamp of receipt #{stamp.seq}"
        check = check_timestamp(stamp.tsr, source, chain, tsa_certificates, claimed_seq=stamp.seq)
        checks.append(check)
        problems.extend(check.problems)
    return ReceiptCheck(
        work_id=document.work_id,
        head=document.head,
        receipts_checked=1 + len(document.path),
        content=content,
        timestamps=tuple(checks),
        problems=tuple(problems),
    )


def _receipt(item: Any) -> Receipt:
    values = {name: item[name] for name in _RECEIPT_FIELDS}
    return Receipt(
        seq=_integer(values["seq"]),
        action=values["action"],
        work_id=str(values["work_id"]),
        content_hash=str(values["content_hash"]),
        owner=str(values["owner"]),
        at=str(values["at"]),
        prev_hash=str(values["prev_hash"]),
        hash=str(values["hash"]),
    )


def _integer(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not an integer")
    return value
