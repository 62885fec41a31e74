"""RFC 3161 trusted timestamps over the receipt chain's head, so the chain is anchored outside the database.

Whoever can write the database can recompute the whole chain consistently; what they cannot do is
obtain a timestamping authority's signature, dated in the past, over a head they made up. So the
owner asks a TSA (any RFC 3161 service, including the Chinese 可信时间戳 services) to timestamp the
head: `timestamp_request` writes the TimeStampReq, the TSA answers with a TimeStampResp (.tsr),
`attach_timestamp` stores it, and `check_timestamp` (called by `trust.verify`) checks that the
chain still holds the head it covers and, given the TSA's certificates, that the TSA signed it.

What is timestamped is `head_message(seq, hash)`: the ASCII bytes `dockguard-chain-head-v1:SEQ:HASH`,
so an outsider can check a .tsr with nothing but OpenSSL:

    printf 'dockguard-chain-head-v1:%s:%s' SEQ HASH > head.txt
    openssl ts -verify -data head.txt -in head.tsr -CAfile tsa-ca.pem

ASN.1 is parsed and signatures are verified by rfc3161-client (Trail of Bits; Rust, OpenSSL
underneath). It parses DER strictly: a response whose certificate set is not in DER order is refused
(`TimestampError`), though `openssl ts -verify` may accept it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dockguard.errors import TimestampError

from .receipts import Receipt
from .records import Signature, StoredTimestamp, TimestampCheck
from .store import Registry, format_utc

if TYPE_CHECKING:
    from cryptography.x509 import Certificate
    from rfc3161_client import TimeStampResponse

HEAD_MESSAGE_TAG = "dockguard-chain-head-v1"
# the hash algorithms rfc3161-client verifies, by OID
_ALGORITHMS = {
    "2.16.840.1.101.3.4.2.1": "sha256",
    "2.16.840.1.101.3.4.2.2": "sha384",
    "2.16.840.1.101.3.4.2.3": "sha512",
}


def head_message(seq: int, head_hash: str) -> bytes:
    """The bytes a timestamp covers for the chain head (seq, hash)."""
    return f"{HEAD_MESSAGE_TAG}:{seq}:{head_hash}".encode("ascii")


@dataclass(frozen=True, slots=True)
class TimestampToken:
    """What a granted TimeStampResp says: when (`gen_time`), who (`tsa`), over which digest."""

    gen_time: str
    tsa: str
    hash_algorithm: str
    imprint: bytes
    serial: int
    policy: str


def timestamp_request(seq: int, head_hash: str, *, nonce: bool = True, certificate: bool = True) -> bytes:
    """A DER TimeStampReq (.tsq) over `head_message(seq, head_hash)`, SHA-256.

    `certificate` asks the TSA to put its certificate in the response (so the response can be
    verified with only the TSA's root certificate).
    """
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    request = (
        TimestampRequestBuilder()
        .data(head_message(seq, head_hash))
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=nonce)
        .cert_request(cert_request=certificate)
        .build()
    )
    return bytes(request.as_bytes())


def parse_timestamp_response(data: bytes, source: str) -> tuple[TimeStampResponse, TimestampToken]:
    """The response and what its token says; TimestampError (naming `source`) when it is not a granted
    RFC 3161 response."""
    from rfc3161_client import decode_timestamp_response

    try:
        response = decode_timestamp_response(bytes(data))
    except ValueError as exc:
        raise TimestampError(
            f"{source}: not an RFC 3161 timestamp response (.tsr): {_first_line(exc)}"
        ) from exc
    if response.status not in (0, 1):  # granted, granted with modifications
        detail = "; ".join(response.status_string) if response.status_string else "no reason given"
        raise TimestampError(f"{source}: the TSA refused the request (status {response.status}: {detail})")
    try:
        info = response.tst_info
        oid = info.message_imprint.hash_algorithm.dotted_string
        token = TimestampToken(
            gen_time=format_utc(info.gen_time),
            tsa=_signer_name(response),
            hash_algorithm=_ALGORITHMS.get(oid, oid),
            imprint=bytes(info.message_imprint.message),
            serial=int(info.serial_number),
            policy=info.policy.dotted_string if info.policy is not None else "",
        )
    except ValueError as exc:
        raise TimestampError(f"{source}: malformed timestamp token: {_first_line(exc)}") from exc
    return response, token


def load_tsa_certificates(paths: Iterable[Path]) -> tuple[Certificate, ...]:
    """Certificates from PEM (one or more per file) or DER files; TimestampError naming a bad file."""
    from cryptography import x509

    certificates: list[Certificate] = []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise TimestampError(f"{path}: cannot read the TSA certificate: {exc.strerror}") from exc
        try:
            if b"-----BEGIN CERTIFICATE-----" in data:
                certificates.extend(x509.load_pem_x509_certificates(data))
            else:
                certificates.append(x509.load_der_x509_certificate(data))
        except ValueError as exc:
            raise TimestampError(
                f"{path}: not an X.509 certificate (PEM or DER): {_first_line(exc)}"
            ) from exc
    return tuple(certificates)


def check_timestamp(
    data: bytes,
    source: str,
    chain: Mapping[int, str],
    certificates: Sequence[Certificate] = (),
    *,
    claimed_seq: int | None = None,
) -> TimestampCheck:
    """Check a .tsr against the chain `chain` (seq -> receipt hash; 0 -> the genesis hash) and, when
    `certificates` are given, its signature. Problems are reported, never raised."""
    try:
        response, token = parse_timestamp_response(data, source)
    except TimestampError as exc:
        return TimestampCheck(source, None, None, "", "", "failed", (str(exc),))
    problems: list[str] = []
    seq = _matching_head(token, chain, claimed_seq)
    head_hash = None if seq is None else chain[seq]
    if token.hash_algorithm not in _ALGORITHMS.values():
        problems.append(f"{source}: unsupported hash algorithm {token.hash_algorithm}")
    elif seq is None:
        problems.append(
            f"{source}: timestamps a chain head ({token.hash_algorithm} {token.imprint.hex()[:16]}…) that "
            "this registry's chain does not contain: the history it covered was rewritten or deleted"
        )
    elif claimed_seq is not None and seq != claimed_seq:
        problems.append(f"{source}: stored for receipt #{claimed_seq} but it timestamps receipt #{seq}")
    signature: Signature = "not checked"
    if certificates and seq is not None and head_hash is not None:
        signature = "verified"
        failure = _verify_signature(response, head_message(seq, head_hash), certificates)
        if failure:
            signature = "failed"
            problems.append(f"{source}: the TSA signature does not verify: {failure}")
    return TimestampCheck(source, seq, head_hash, token.gen_time, token.tsa, signature, tuple(problems))


def attach_timestamp(registry: Registry, data: bytes, source: str) -> StoredTimestamp:
    """Store a .tsr once its imprint is found to cover a head of the registry's chain.

    TimestampError when it is not a granted response or covers no head of this chain. Storing the
    same response again returns the stored one. The signature is checked by `verify --tsa-cert`.
    """
    _, token = parse_timestamp_response(data, source)
    chain = chain_hashes(registry.receipts())
    seq = _matching_head(token, chain, None)
    if seq is None or seq == 0:
        raise TimestampError(
            f"{source}: it timestamps no head of the chain in {registry.url} "
            f"({token.hash_algorithm} {token.imprint.hex()[:16]}…): a request for another registry, "
            "or for a head that is no longer in this chain"
        )
    return registry.add_timestamp(seq, chain[seq], token.gen_time, token.tsa, bytes(data))


def chain_hashes(receipts: Iterable[Receipt]) -> dict[int, str]:
    """seq -> hash for the chain's receipts, as stored (links are verify's business)."""
    from .receipts import GENESIS_HASH

    chain = {0: GENESIS_HASH}
    chain.update((receipt.seq, receipt.hash) for receipt in receipts)
    return chain


def _matching_head(token: TimestampToken, chain: Mapping[int, str], claimed: int | None) -> int | None:
    algorithm = token.hash_algorithm
    if algorithm not in _ALGORITHMS.values():
        return None

    def digest(seq: int) -> bytes:
        return hashlib.new(algorithm, head_message(seq, chain[seq])).digest()

    # the claimed (or newest) head first: usually the answer, and then the scan is one hash
    order = sorted(chain, reverse=True)
    if claimed is not None and claimed in chain:
        order.insert(0, claimed)
    for seq in order:
        if digest(seq) == token.imprint:
            return seq
    return None


def _verify_signature(
    response: TimeStampResponse, message: bytes, certificates: Sequence[Certificate]
) -> str:
    """'' when the TSA's signature over `message` verifies against `certificates`, else why not.

    CA certificates among them are the trust anchors; a non-CA certificate with the timeStamping
    purpose is taken as the TSA's own (needed when the response does not carry it).
    """
    from cryptography import x509
    from rfc3161_client import VerificationError, VerifierBuilder

    roots: list[Certificate] = []
    leaves: list[Certificate] = []
    for certificate in certificates:
        try:
            is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            is_ca = certificate.issuer == certificate.subject
        (roots if is_ca else leaves).append(certificate)
    if not roots:
        return (
            "no CA certificate among the given TSA certificates: give the certificate of the CA that "
            "issued the TSA's certificate (its root), with the TSA's own if the response lacks it"
        )
    builder = VerifierBuilder()
    for root in roots:
        builder = builder.add_root_certificate(root)
    signer = _signer(response)
    for leaf in leaves:
        if signer is None or (leaf.issuer, leaf.serial_number) == signer:
            builder = builder.tsa_certificate(leaf)
            break
    try:
        builder.build().verify_message(response, message)
    except (VerificationError, ValueError) as exc:
        return _first_line(exc)
    return ""


def _signer(response: TimeStampResponse) -> tuple[object, int] | None:
    infos = list(response.signed_data.signer_infos)
    if len(infos) != 1:
        return None
    return infos[0].issuer, int(infos[0].serial_number)


def _signer_name(response: TimeStampResponse) -> str:
    """The signing TSA: its certificate's subject when the response carries it, else issuer and serial."""
    from cryptography import x509

    signer = _signer(response)
    if signer is None:
        return "unknown signer"
    issuer, serial = signer
    for der in response.signed_data.certificates:
        try:
            certificate = x509.load_der_x509_certificate(bytes(der))
        except ValueError:
            continue
        if (certificate.issuer, certificate.serial_number) == signer:
            return f"{certificate.subject.rfc4514_string()} (issued by {certificate.issuer.rfc4514_string()})"
    issuer_name = issuer.rfc4514_string() if isinstance(issuer, x509.Name) else str(issuer)
    return f"serial {serial} issued by {issuer_name}"


_OPENSSL_REASON = re.compile(r'(?:reason|data): "([^"]+)"')


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    first = text.splitlines()[0] if text else type(exc).__name__
    head, stack, rest = first.partition("ErrorStack(")
    if stack:
        # an OpenSSL error stack: keep its reasons, not its file names and codes
        reasons = list(dict.fromkeys(_OPENSSL_REASON.findall(rest)))
        first = head.rstrip(": ") + (": " + "; ".join(reasons) if reasons else "")
    return first if len(first) <= 300 else first[:300] + "…"


__all__ = [
    "HEAD_MESSAGE_TAG",
    "Signature",
    "TimestampCheck",
    "TimestampToken",
    "attach_timestamp",
    "chain_hashes",
    "check_timestamp",
    "head_message",
    "load_tsa_certificates",
    "parse_timestamp_response",
    "timestamp_request",
]
