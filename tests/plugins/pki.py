"""A throw-away PKI for the signing tests: a root CA and leaf certificates, made with
``cryptography`` (EC P-256, fast). Nothing here is used by briefbook itself."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

NOW = dt.datetime.now(dt.UTC)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "briefbook test PKI")])


def _usage(*, digital_signature: bool, non_repudiation: bool = False, cert_sign: bool = False,
           key_encipherment: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=digital_signature, content_commitment=non_repudiation,
                         key_encipherment=key_encipherment, data_encipherment=False,
                         key_agreement=False, key_cert_sign=cert_sign, crl_sign=cert_sign,
                         encipher_only=False, decipher_only=False)


@dataclass
class ThrowawayCA:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    @classmethod
    def create(cls) -> ThrowawayCA:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(_name("briefbook test root"))
                .issuer_name(_name("briefbook test root")).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(NOW - dt.timedelta(days=30))
                .not_valid_after(NOW + dt.timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                .add_extension(_usage(digital_signature=False, cert_sign=True), critical=True)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                               critical=False)
                .sign(key, hashes.SHA256()))
        return cls(key, cert)

    def issue_p12(self, path: Path, password: bytes, *, common: str = "编辑部签章",
                  not_before: dt.datetime | None = None, not_after: dt.datetime | None = None,
                  usage: x509.KeyUsage | None = None) -> Path:
        key = ec.generate_private_key(ec.SECP256R1())
        usage = usage or _usage(digital_signature=True, non_repudiation=True)
        cert = (x509.CertificateBuilder().subject_name(_name(common))
                .issuer_name(self.cert.subject).public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(not_before or NOW - dt.timedelta(days=1))
                .not_valid_after(not_after or NOW + dt.timedelta(days=90))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(usage, critical=True)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.key.public_key()), critical=False)
                .sign(self.key, hashes.SHA256()))
        encryption = (serialization.BestAvailableEncryption(password) if password
                      else serialization.NoEncryption())
        path.write_bytes(pkcs12.serialize_key_and_certificates(
            b"briefbook", key, cert, [self.cert], encryption))
        return path

    def trust_root(self):
        from asn1crypto import x509 as asn1_x509

        return asn1_x509.Certificate.load(self.cert.public_bytes(serialization.Encoding.DER))


def expired_window() -> dict:
    return {"not_before": NOW - dt.timedelta(days=400), "not_after": NOW - dt.timedelta(days=35)}


def encipherment_only() -> x509.KeyUsage:
    return _usage(digital_signature=False, key_encipherment=True)
