"""RFC 3161: a local time-stamping authority (a real HTTP server signing real tokens)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from darkrange.collect.evidence import (
    build_package,
    generate_key,
    load_private_key,
    request_timestamp,
    verify_package,
)
from darkrange.errors import NetworkError
from tests.collect.evidence_site import crawl


def _authority(for_timestamping: bool = True) -> tuple[ec.EllipticCurvePrivateKey, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    usage = (
        ExtendedKeyUsageOID.TIME_STAMPING if for_timestamping else ExtendedKeyUsageOID.CLIENT_AUTH
    )
    start = datetime(2020, 1, 1, tzinfo=UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(4711)
        .not_valid_before(start).not_valid_after(start + timedelta(days=36500))
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    return key, cert.public_bytes(serialization.Encoding.DER)


def _token(request: tsp.TimeStampReq, key: ec.EllipticCurvePrivateKey, cert_der: bytes,
           moment: datetime) -> bytes:  # fmt: skip
    info = tsp.TSTInfo({
        "version": 1, "policy": "1.2.3.4", "message_imprint": request["message_imprint"],
        "serial_number": 1, "gen_time": moment, "nonce": request["nonce"],
    })  # fmt: skip
    content = info.dump()
    cert = asn1_x509.Certificate.load(cert_der)
    attrs = cms.CMSAttributes([
        {"type": "content_type", "values": ["tst_info"]},
        {"type": "message_digest", "values": [hashlib.sha256(content).digest()]},
    ])  # fmt: skip
    signature = key.sign(attrs.dump(), ec.ECDSA(hashes.SHA256()))
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": {
            "issuer": cert.issuer, "serial_number": cert.serial_number}}),
        "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "signed_attrs": attrs,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
        "signature": signature,
    })  # fmt: skip
    encap = {"content_type": "tst_info", "content": core.ParsableOctetString(content)}
    signed = cms.SignedData({
        "version": "v3", "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
        "encap_content_info": encap,
        "certificates": [cert], "signer_infos": [signer],
    })  # fmt: skip
    token = cms.ContentInfo({"content_type": "signed_data", "content": signed})
    return bytes(
        tsp.TimeStampResp({"status": {"status": "granted"}, "time_stamp_token": token}).dump()
    )


@contextmanager
def authority(skew: timedelta = timedelta(0), for_timestamping: bool = True) -> Iterator[str]:
    key, cert = _authority(for_timestamping)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            moment = datetime.now(UTC).replace(microsecond=0) + skew
            answer = _token(tsp.TimeStampReq.load(body), key, cert, moment)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("tsa")
    crawl(root / "crawl")
    key, _ = generate_key(root / "k")
    return root / "crawl", key


def test_timestamped_package_verifies_and_names_the_authority(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, key = crawled
    out = tmp_path / "t.wacz"
    with authority() as url:
        summary = build_package(
            folder, out, load_private_key(key), lambda h: request_timestamp(url, h)
        )
    assert summary.timestamped
    report = verify_package(out)
    assert report.ok, report.problems
    assert report.timestamp is not None and "Test TSA" in str(report.timestamp_authority)


def test_timestamp_far_from_the_signature_time_is_stale(
    crawled: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, key = crawled
    out = tmp_path / "s.wacz"
    with authority(skew=timedelta(days=3)) as url:
        build_package(folder, out, load_private_key(key), lambda h: request_timestamp(url, h))
    report = verify_package(out, now=datetime.now(UTC) + timedelta(days=4))
    assert any("stale signature" in p.message for p in report.problems)


def test_authority_without_timestamping_certificate_is_refused() -> None:
    with (
        authority(for_timestamping=False) as url,
        pytest.raises(NetworkError, match="time-stamping"),
    ):
        request_timestamp(url, hashlib.sha256(b"x").digest())
    with pytest.raises(NetworkError):
        request_timestamp("http://127.0.0.1:9/none", hashlib.sha256(b"x").digest(), timeout=2)
