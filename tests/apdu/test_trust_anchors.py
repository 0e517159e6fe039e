"""Trust anchors load, or fail with a reason the CLI can word (before: raw ValueError)."""

import pytest

from apdu.authenticity import TrustAnchorError, TrustAnchorProblem, load_trust_anchors
from simulators.issuer import CSCA_FILE


def test_a_pem_file_and_a_directory(home, issuer):
    assert load_trust_anchors(home / "issuer" / CSCA_FILE) == [issuer.csca]
    assert issuer.csca in load_trust_anchors(home / "trust")


@pytest.mark.parametrize("name, content", [
    ("garbage.pem", b"-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n"),
    ("garbage.der", b"\x30\x03\x02\x01\x00"),
])
def test_garbage_is_not_a_certificate(tmp_path, name, content):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(TrustAnchorError) as caught:
        load_trust_anchors(tmp_path)
    assert caught.value.problem is TrustAnchorProblem.NOT_A_CERTIFICATE
    assert caught.value.path == tmp_path / name


def test_a_path_that_cannot_be_read(tmp_path):
    with pytest.raises(TrustAnchorError) as caught:
        load_trust_anchors(tmp_path / "missing.pem")
    assert caught.value.problem is TrustAnchorProblem.UNREADABLE
