"""RFC 3161 time-stamping: ask an authority to sign a hash with the time, and check its token.

What is stamped is the SHA-256 of the package signature, so the token proves the signature
existed at the authority's time. The token's CMS signature is checked against the certificate
it carries, which must be for time-stamping (extended key usage, RFC 3161 2.3).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from darkrange.errors import NetworkError

_HASHES: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


class TimestampError(ValueError):
    """A token that does not prove what it should."""


@dataclass(frozen=True)
class Stamp:
    time: datetime
    authority: str  # certificate subject and its SHA-256 fingerprint


def timestamp_request(imprint: bytes, nonce: int) -> bytes:
    """A DER TimeStampReq for a SHA-256 imprint, asking for the TSA certificate."""
    request = tsp.TimeStampReq(
        {
            "version": 1,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": imprint,
            },
            "nonce": nonce,
            "cert_req": True,
        }
    )
    return bytes(request.dump())


def request_timestamp(url: str, imprint: bytes, timeout: float = 30.0) -> bytes:
    """Ask the authority at `url`; returns the DER TimeStampToken after checking it."""
    nonce = secrets.randbits(63)
    try:
        response = httpx.post(
            url,
            content=timestamp_request(imprint, nonce),
            headers={"Content-Type": "application/timestamp-query"},
            timeout=timeout,
        )
    except httpx.HTTPError as exc:
        raise NetworkError(f"time-stamping authority {url}: {exc}") from None
    if response.status_code != 200:
        raise NetworkError(f"time-stamping authority {url} answered HTTP {response.status_code}")
    try:
        reply = tsp.TimeStampResp.load(response.content)
        status = reply["status"]["status"].native
        if status not in ("granted", "granted_with_mods"):
            raise TimestampError(f"request refused ({status})")
        token = bytes(reply["time_stamp_token"].dump())
        stamp_nonce = _tst_info(token)["nonce"].native
        if stamp_nonce != nonce:
            raise TimestampError("the token answers another request (nonce differs)")
        verify_token(token, imprint)
    except (TimestampError, ValueError, KeyError, TypeError) as exc:
        raise NetworkError(f"time-stamping authority {url}: bad answer: {exc}") from None
    return token


def _signed_data(token: bytes) -> cms.SignedData:
    info = cms.ContentInfo.load(token)
    if info["content_type"].native != "signed_data":
        raise TimestampError("token is not CMS SignedData")
    return info["content"]


def _tst_info(token: bytes) -> tsp.TSTInfo:
    signed = _signed_data(token)
    encap = signed["encap_content_info"]
    if encap["content_type"].native != "tst_info":
        raise TimestampError("token does not hold a TSTInfo")
    return encap["content"].parsed


def _certificate(signed: cms.SignedData, signer: cms.SignerInfo) -> x509.Certificate:
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        cert = choice.chosen
        if sid.name == "issuer_and_serial_number":
            serial = sid.chosen["serial_number"].native
            if cert.serial_number == serial and cert.issuer == sid.chosen["issuer"]:
                return x509.load_der_x509_certificate(cert.dump())
        elif cert.key_identifier == sid.chosen.native:
            return x509.load_der_x509_certificate(cert.dump())
    raise TimestampError("the token does not carry its signer's certificate")


def _check_signature(cert: x509.Certificate, signer: cms.SignerInfo, data: bytes) -> None:
    algo = signer["digest_algorithm"]["algorithm"].native
    if algo not in _HASHES:
        raise TimestampError(f"unsupported digest {algo}")
    signature = signer["signature"].native
    key = cert.public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), _HASHES[algo]())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(_HASHES[algo]()))
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            raise TimestampError("unsupported TSA key type")
    except InvalidSignature:
        raise TimestampError("the authority's signature does not verify") from None


def verify_token(token: bytes, imprint: bytes) -> Stamp:
    """Check a DER TimeStampToken stamps `imprint` (SHA-256) and is signed by its certificate."""
    try:
        signed = _signed_data(token)
        tst = _tst_info(token)
        stamped = tst["message_imprint"]
        if stamped["hash_algorithm"]["algorithm"].native != "sha256":
            raise TimestampError("imprint is not SHA-256")
        if stamped["hashed_message"].native != imprint:
            raise TimestampError("the token stamps another hash")
        signers = signed["signer_infos"]
        if len(signers) != 1:
            raise TimestampError("the token must have exactly one signer")
        signer = signers[0]
        cert = _certificate(signed, signer)
        usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        if ExtendedKeyUsageOID.TIME_STAMPING not in usage:
            raise TimestampError("the signer's certificate is not for time-stamping")
        content = signed["encap_content_info"]["content"].contents
        algo = signer["digest_algorithm"]["algorithm"].native
        attrs = signer["signed_attrs"]
        digest = next(
            (a["values"][0].native for a in attrs if a["type"].native == "message_digest"), None
        )
        if digest != hashlib.new(algo, content).digest():
            raise TimestampError("the signed digest does not match the TSTInfo")
        # signed attributes are signed as a SET OF (tag 0x31), not as the [0] they are stored as
        data = b"\x31" + attrs.dump()[1:]
        _check_signature(cert, signer, data)
        time = tst["gen_time"].native.astimezone(UTC)
    except (ValueError, KeyError, TypeError, x509.ExtensionNotFound) as exc:
        if isinstance(exc, TimestampError):
            raise
        raise TimestampError(f"malformed token ({exc})") from None
    fp = cert.fingerprint(hashes.SHA256()).hex()
    return Stamp(time, f"{cert.subject.rfc4514_string()} (sha256:{fp})")
