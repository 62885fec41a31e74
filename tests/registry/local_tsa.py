"""A throwaway RFC 3161 timestamping authority made with `openssl ts`: a root CA, a TSA certificate it
issued (critical extendedKeyUsage timeStamping), and `stamp(request) -> response`."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

_CONFIG = """\
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid

[ tsa ]
default_tsa = tsa_config

[ tsa_config ]
dir = {dir}
serial = {dir}/serial
signer_cert = {dir}/tsa.pem
signer_key = {dir}/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def openssl_available() -> bool:
    return shutil.which("openssl") is not None


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@dataclass(frozen=True)
class LocalTSA:
    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "ca.pem"

    @property
    def tsa_cert(self) -> Path:
        return self.folder / "tsa.pem"

    def stamp(self, request: bytes) -> bytes:
        """The TSA's TimeStampResp (DER) to a TimeStampReq (DER)."""
        query = self.folder / "request.tsq"
        reply = self.folder / "reply.tsr"
        query.write_bytes(request)
        _openssl("ts", "-reply", "-config", "tsa.cnf", "-queryfile", str(query), "-out", str(reply), cwd=self.folder)
        return reply.read_bytes()

    def stamp_data(self, data: bytes) -> bytes:
        """A response over arbitrary data (a request made by openssl itself)."""
        (self.folder / "data.bin").write_bytes(data)
        _openssl("ts", "-query", "-data", "data.bin", "-sha256", "-cert", "-out", "data.tsq", cwd=self.folder)
        return self.stamp((self.folder / "data.tsq").read_bytes())


def make_tsa(folder: Path, name: str = "DockGuard Test") -> LocalTSA:
    """A new CA and TSA (P-256 keys, valid 30 days) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tsa.cnf").write_text(_CONFIG.format(dir=folder), encoding="ascii")
    (folder / "serial").write_text("01\n", encoding="ascii")
    ec = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes")
    _openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
             "-subj", f"/CN={name} Root", "-addext", "basicConstraints=critical,CA:true",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=folder)
    _openssl("req", "-new", *ec, "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN={name} TSA", cwd=folder)
    _openssl("x509", "-req", "-in", "tsa.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
             "-out", "tsa.pem", "-days", "30", "-extfile", "tsa.cnf", "-extensions", "tsa_ext", cwd=folder)
    return LocalTSA(folder)
