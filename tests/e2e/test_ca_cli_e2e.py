"""A relying party with what the product gives: `nidkiosk ca export|crl|revoke` and openssl.

The holder activates the signature key and signs through pcscd; the CA certificate and
CRL the CLI writes let openssl check the certificate strictly and the signature with
revocation; after `ca revoke`, openssl, `openssl verify -crl_check` and `sign verify`
all refuse.
"""

import re

import pytest

from signing.ca_settings import HOLDER_SIGNATURE_POLICY as DEFAULT_POLICY_OID
from tests.conftest import KNOWN_PINS
from tests.e2e.test_sign_e2e import PIN2, cli, delivered, openssl

pytestmark = pytest.mark.slow


def test_relying_party_with_exported_ca_and_crl(reader0, cards, tmp_path):
    delivered(reader0, cards, 105)
    activated = cli("sign", "activate", stdin=f"{KNOWN_PINS.pin1}\n{PIN2}\n{PIN2}\n")
    assert activated.returncode == 0, activated.stderr
    document = tmp_path / "letter.txt"
    document.write_text("نامهٔ رسمی ۱۴۰۵\n", encoding="utf-8")
    assert cli("sign", "file", str(document), stdin=f"{PIN2}\n").returncode == 0
    p7s = tmp_path / "letter.txt.p7s"
    out = tmp_path / "published"
    exported = cli("ca", "export", "--out", str(out))
    assert exported.returncode == 0, exported.stderr
    crl = cli("ca", "crl", "--out", str(out))
    assert crl.returncode == 0, crl.stderr
    ca_pem, crl_pem = out / "signature-ca.pem", out / "signature-ca-crl.pem"

    holder = tmp_path / "holder.pem"
    extracted = openssl("pkcs7", "-inform", "DER", "-in", str(p7s), "-print_certs",
                        "-out", str(holder))
    assert extracted.returncode == 0, extracted.stderr
    strict = openssl("verify", "-x509_strict", "-policy_check", "-explicit_policy",
                     "-policy", DEFAULT_POLICY_OID, "-CAfile", str(ca_pem), str(holder))
    assert strict.returncode == 0, strict.stdout + strict.stderr
    good = openssl("verify", "-crl_check", "-CAfile", str(ca_pem), "-CRLfile", str(crl_pem),
                   str(holder))
    assert good.returncode == 0, good.stdout + good.stderr
    bundle = tmp_path / "bundle.pem"
    bundle.write_bytes(ca_pem.read_bytes() + crl_pem.read_bytes())
    cms_ok = openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", str(p7s),
                     "-content", str(document), "-CAfile", str(bundle), "-crl_check",
                     "-out", "/dev/null")
    assert cms_ok.returncode == 0, cms_ok.stderr
    ours = cli("sign", "verify", str(document), str(p7s), "--trust", str(ca_pem),
               "--crl", str(crl_pem))
    assert ours.returncode == 0 and "VALID" in ours.stdout
    unconfirmed = cli("sign", "verify", str(document), str(p7s), "--trust", str(ca_pem))
    assert unconfirmed.returncode == 4 and "NOT checked" in unconfirmed.stdout

    serial = openssl("x509", "-in", str(holder), "-noout", "-serial").stdout.strip()
    assert re.match(r"serial=[0-9A-F]+", serial)
    revoked = cli("ca", "revoke", serial, "--reason", "keyCompromise", "--out", str(out))
    assert revoked.returncode == 0, revoked.stderr
    bad = openssl("verify", "-crl_check", "-CAfile", str(ca_pem), "-CRLfile", str(crl_pem),
                  str(holder))
    assert bad.returncode != 0 and "revoked" in (bad.stdout + bad.stderr)
    bundle.write_bytes(ca_pem.read_bytes() + crl_pem.read_bytes())
    cms_bad = openssl("cms", "-verify", "-binary", "-inform", "DER", "-in", str(p7s),
                      "-content", str(document), "-CAfile", str(bundle), "-crl_check",
                      "-out", "/dev/null")
    assert cms_bad.returncode != 0
    ours_bad = cli("sign", "verify", str(document), str(p7s), "--trust", str(ca_pem),
                   "--crl", str(crl_pem))
    assert ours_bad.returncode == 4 and "INVALID" in ours_bad.stdout
    assert "revoked" in ours_bad.stdout
    local = cli("sign", "verify", str(document), str(p7s))  # the kiosk's own authority
    assert local.returncode == 4 and "revoked" in local.stdout


def test_garbage_trust_and_crl_files_are_usage_errors(tmp_path):
    junk = tmp_path / "junk.pem"
    junk.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    doc = tmp_path / "doc"
    doc.write_bytes(b"x")
    for option in ("--trust", "--crl"):
        result = cli("sign", "verify", str(doc), str(doc), option, str(junk))
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
    read = cli("read", "--trust", str(junk))
    assert read.returncode == 2 and "Traceback" not in read.stderr
