"""A lying card gets a verdict with its reasons, never a traceback (issue 8).

Each reviewer case is first: before this issue every one of them raised out of
``read_identity`` (IndexError, ValueError, UnsupportedAlgorithm, ProfileError) or, for
the wrong check digit, read GENUINE.
"""

import datetime as dt

import pytest

from apdu.authenticity import AuthenticityReport, assess
from apdu.client import NidCard
from apdu.constants import Ins
from apdu.problems import Problem, ProblemKind, SodPart, Verdict
from apdu.profile import DATA_GROUP_FILES, EF_SOD, DataGroup, Lifecycle
from apdu.reading import CardFiles, IdentityReading
from apdu.transport import DirectTransport
from simulators.card import CardStore, SimulatedChip
from simulators.forgery import UNKNOWN_OID, ChipLie, Forgery, LyingChip, forge
from tests.apdu.mutations import parse_tree, replace_node

DG1 = DATA_GROUP_FILES[DataGroup.IDENTITY].fid
DG15 = DATA_GROUP_FILES[DataGroup.CHIP_AUTH_KEY].fid


def read(chip: SimulatedChip, anchors, photo: bool = False) -> IdentityReading:
    return NidCard(DirectTransport(chip.process, chip.atr)).read_identity(anchors, photo=photo)


def read_image(image, anchors, photo: bool = False) -> IdentityReading:
    return read(SimulatedChip(CardStore(image)), anchors, photo)


def kinds(reading: IdentityReading) -> list[ProblemKind]:
    return [p.kind for p in reading.authenticity.problems]


@pytest.fixture(scope="module")
def genuine(cards):
    return cards.image(61)


def assert_not_genuine(reading: IdentityReading, verdict: Verdict, *expected: Problem) -> None:
    report = reading.authenticity
    assert report.verdict is verdict, report.problems
    assert reading.contents is None and not reading.genuine
    for problem in expected:
        assert problem in report.problems, report.problems
    assert report.problems[0].verdict is verdict  # the problem behind the verdict comes first


# -- the reviewer's cases -----------------------------------------------------------------

def test_signed_attribute_with_an_empty_set(genuine, issuer):
    """Before: IndexError from ``values[0]``."""
    reading = read_image(forge(genuine, Forgery.EMPTY_ATTRIBUTE_SET, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.SOD_MALFORMED, part=SodPart.SIGNED_ATTRIBUTES))


def test_signed_attribute_of_the_wrong_type(genuine, issuer):
    """Before: asn1crypto's ValueError (an INTEGER where the digest's OCTET STRING goes)."""
    reading = read_image(forge(genuine, Forgery.ATTRIBUTE_WRONG_TYPE, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.SOD_MALFORMED, part=SodPart.SIGNED_ATTRIBUTES))


def test_garbage_signer_info(genuine, issuer):
    """Before: ValueError 'Field "sid" is missing'."""
    reading = read_image(forge(genuine, Forgery.GARBAGE_SIGNER_INFO, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.SOD_MALFORMED, part=SodPart.SIGNER_INFO))


def test_signer_certificate_with_an_unknown_key_algorithm(genuine, issuer):
    """Before: cryptography's UnsupportedAlgorithm. The CSCA issued the certificate, so the
    chain is fine and the unusable key is the one fault."""
    reading = read_image(forge(genuine, Forgery.SIGNER_KEY_UNKNOWN, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.UNSUPPORTED_ALGORITHM, part=SodPart.SIGNER_CERTIFICATE,
                               algorithm=UNKNOWN_OID))
    assert ProblemKind.SIGNER_NOT_TRUSTED not in kinds(reading)


def test_chip_key_of_an_unknown_algorithm_needs_no_crypto_to_send(genuine, issuer):
    """Before: UnsupportedAlgorithm from chip authentication, which runs first: a fake card
    with any DG15 at all crashed the reader. Now no INTERNAL AUTHENTICATE is even sent."""
    reading = read_image(forge(genuine, Forgery.CHIP_KEY_UNKNOWN, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.CLONED_CHIP,
                       Problem(ProblemKind.CHIP_KEY_UNSUPPORTED, algorithm=UNKNOWN_OID))
    assert reading.apdu_count == 6  # SELECT, four files, GET DATA: no INTERNAL AUTHENTICATE
    unsigned = genuine.copy()
    unsigned.files[DG15] = forge(genuine, Forgery.CHIP_KEY_UNKNOWN, issuer).files[DG15]
    reading = read_image(unsigned, [issuer.csca])  # the fake card: not even re-signed
    assert reading.authenticity.verdict is Verdict.DATA_TAMPERED
    assert ProblemKind.CHIP_KEY_UNSUPPORTED in kinds(reading)


@pytest.mark.parametrize("kind, algorithm, problem", [
    (Forgery.LDS_HASH_MD5, "md5", ProblemKind.WEAK_HASH),
    (Forgery.LDS_HASH_SHA1, "sha1", ProblemKind.WEAK_HASH),
    (Forgery.LDS_HASH_SHA224, "sha224", ProblemKind.WEAK_HASH),
    (Forgery.LDS_HASH_UNKNOWN, UNKNOWN_OID, ProblemKind.UNSUPPORTED_ALGORITHM),
])
def test_weak_or_unknown_lds_hash_is_a_verdict_not_a_card_error(genuine, issuer, kind,
                                                                 algorithm, problem):
    """Before: ProfileError 'unsupported hash algorithm' (the CLI said "card error")."""
    reading = read_image(forge(genuine, kind, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(problem, part=SodPart.LDS_SECURITY_OBJECT, algorithm=algorithm))


def test_sha1_signature_is_weak(genuine, issuer):
    reading = read_image(forge(genuine, Forgery.DIGEST_SHA1, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.WEAK_HASH, part=SodPart.SIGNER_INFO, algorithm="sha1"))


def test_garbage_identity_group_signed_by_the_issuer(genuine, issuer):
    """Before: ProfileError out of the read, before any check ran. Now the group hashes
    right (the issuer signed it) and is reported as not decodable: no contents."""
    reading = read_image(forge(genuine, Forgery.GARBAGE_IDENTITY, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.DATA_MALFORMED,
                       Problem(ProblemKind.GROUP_MALFORMED, group=1))
    assert reading.authenticity.chip_authenticated


def test_garbage_identity_group_not_signed(genuine, issuer):
    image = genuine.copy()
    image.files[DG1] = b"\x61\x03\x01\x02\x03"
    reading = read_image(image, [issuer.csca])
    assert_not_genuine(reading, Verdict.DATA_TAMPERED,
                       Problem(ProblemKind.GROUP_HASH_MISMATCH, group=1),
                       Problem(ProblemKind.GROUP_MALFORMED, group=1))


def test_wrong_check_digit_in_signed_identity(genuine, issuer):
    """Before: GENUINE, and activation then failed on the national code."""
    reading = read_image(forge(genuine, Forgery.BAD_NATIONAL_CODE, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.DATA_MALFORMED,
                       Problem(ProblemKind.GROUP_MALFORMED, group=1, field="national_code"))


@pytest.mark.parametrize("kind", [Forgery.HUGE_LENGTH, Forgery.DEEP_NESTING])
def test_huge_lengths_and_deep_nesting(genuine, issuer, kind):
    reading = read_image(forge(genuine, kind, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.SOD_MALFORMED, part=SodPart.CONTENT_INFO))


# -- chip authentication answers ----------------------------------------------------------

@pytest.mark.parametrize("lie, problem", [
    (ChipLie.REFUSED, Problem(ProblemKind.CHIP_AUTH_REFUSED, status_word=0x6A88)),
    (ChipLie.EMPTY, Problem(ProblemKind.CHIP_AUTH_MALFORMED)),
    (ChipLie.SHORT, Problem(ProblemKind.CHIP_AUTH_MALFORMED)),
    (ChipLie.LONG, Problem(ProblemKind.CHIP_AUTH_MALFORMED)),
    (ChipLie.RANDOM, Problem(ProblemKind.CHIP_AUTH_FAILED)),
    (ChipLie.ZERO, Problem(ProblemKind.CHIP_AUTH_FAILED)),
    (ChipLie.NOT_AN_APDU, Problem(ProblemKind.CHIP_AUTH_MALFORMED)),
    (ChipLie.ENDLESS_CHAIN, Problem(ProblemKind.CHIP_AUTH_MALFORMED)),
])
def test_each_lie_about_chip_authentication(genuine, issuer, lie, problem):
    """Before, a response that was not an APDU raised ApduFormatError out of the read."""
    reading = read(LyingChip.about_chip_authentication(genuine, lie), [issuer.csca])
    assert_not_genuine(reading, Verdict.CLONED_CHIP, problem)
    assert not reading.authenticity.chip_authenticated


def test_rsa_chip_key_is_unsupported(genuine, issuer):
    reading = read_image(forge(genuine, Forgery.CHIP_KEY_RSA, issuer), [issuer.csca])
    assert_not_genuine(reading, Verdict.CLONED_CHIP,
                       Problem(ProblemKind.CHIP_KEY_UNSUPPORTED, algorithm="rsa"))


# -- files the card will not give, or garbles ---------------------------------------------

def test_files_the_card_refuses_are_problems(genuine, issuer):
    image = genuine.copy()
    del image.files[DATA_GROUP_FILES[DataGroup.ADDRESS].fid]
    del image.files[EF_SOD.fid]
    reading = read_image(image, [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.SOD_MALFORMED, part=SodPart.FILE, status_word=0x6A82),
                       Problem(ProblemKind.GROUP_MISSING, group=11, status_word=0x6A82))


def test_missing_chip_key_group(genuine, issuer):
    image = genuine.copy()
    del image.files[DG15]
    reading = read_image(image, [issuer.csca])
    assert_not_genuine(reading, Verdict.DATA_MALFORMED,
                       Problem(ProblemKind.GROUP_MISSING, group=15, status_word=0x6A82))
    assert not reading.authenticity.chip_authenticated


def test_a_lifecycle_answer_that_is_not_one(genuine, issuer):
    chip = LyingChip(CardStore(genuine), {Ins.GET_DATA: b"\xdf\x20\x01\x99\x90\x00"})
    reading = read(chip, [issuer.csca])
    assert_not_genuine(reading, Verdict.DATA_MALFORMED,
                       Problem(ProblemKind.LIFECYCLE_MALFORMED))


def test_a_file_that_never_ends(genuine, issuer):
    """Short APDUs, a card answering 9000 with 256 bytes for ever: bounded, a problem."""
    chip = LyingChip(CardStore(genuine), {Ins.READ_BINARY: b"\x61" * 256 + b"\x90\x00"})
    card = NidCard(DirectTransport(chip.process, bytes.fromhex("3B8080018100")))
    reading = card.read_identity([issuer.csca], photo=False)
    assert reading.authenticity.verdict is Verdict.SECURITY_OBJECT_INVALID
    assert Problem(ProblemKind.GROUP_MALFORMED, group=1) in reading.authenticity.problems


# -- the security object's unsigned fields are pinned -------------------------------------

def _sod_edited(genuine, issuer, old: bytes, new: bytes):
    image = genuine.copy()
    sod = image.files[EF_SOD.fid]
    assert sod.count(old) == 1
    image.files[EF_SOD.fid] = sod.replace(old, new)
    return read_image(image, [issuer.csca])


@pytest.mark.parametrize("old, new", [
    (b"\x02\x01\x03\x31", b"\x02\x01\x02\x31"),  # SignedData v3 -> v2
    (b"\x02\x01\x01\x30", b"\x02\x01\x03\x30"),  # SignerInfo v1 -> v3
])
def test_unsigned_versions_are_pinned(genuine, issuer, old, new):
    """No signature covers them; the security object must be the one DER encoding of
    its parts, so they cannot vary either."""
    reading = _sod_edited(genuine, issuer, old, new)
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.SOD_MALFORMED, part=SodPart.ENCODING))


def test_signer_identifier_must_name_the_certificate(genuine, issuer):
    serial = issuer.ds.serial_number
    encoded = serial.to_bytes((serial.bit_length() + 8) // 8, "big")
    image = genuine.copy()
    sod = image.files[EF_SOD.fid]
    at = sod.rfind(encoded)  # the last copy is the SignerInfo's, after the certificate
    changed = bytearray(sod)
    changed[at + len(encoded) - 1] ^= 0x01
    image.files[EF_SOD.fid] = bytes(changed)
    reading = read_image(image, [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.SOD_MALFORMED, part=SodPart.SIGNER_IDENTIFIER))


def test_ber_lengths_are_refused(genuine, issuer):
    """A long-form length where DER has a short one: same content, another encoding."""
    image = genuine.copy()
    sod = image.files[EF_SOD.fid]
    # SignedData's version INTEGER, 02 01 03, re-encoded as 02 81 01 03 (and lengths fixed)
    root = parse_tree(sod)
    version = next(n for n in root.walk() if n.tag == b"\x02" and n.value == b"\x03")
    image.files[EF_SOD.fid] = replace_node(root, version, b"\x02\x81\x01\x03")
    reading = read_image(image, [issuer.csca])
    assert_not_genuine(reading, Verdict.SECURITY_OBJECT_INVALID,
                       Problem(ProblemKind.SOD_MALFORMED, part=SodPart.ENCODING))


# -- the report and the reading -----------------------------------------------------------

def test_genuine_reading_has_contents_and_no_problems(genuine, issuer):
    reading = read_image(genuine, [issuer.csca], photo=True)
    report = reading.authenticity
    assert report.verdict is Verdict.GENUINE and report.problems == ()
    assert report.chip_authenticated and report.groups_checked == (1, 2, 11, 15)
    assert "NOCR Test Document Signer" in report.signer and report.hash_algorithm == "sha256"
    assert reading.contents is not None and reading.contents.lifecycle is Lifecycle.PERSONALIZED
    assert reading.apdu_count == 8
    assert reading.files.groups[1] == genuine.files[DG1]  # the evidence, as read


def test_contents_cannot_be_attached_to_a_reading_that_is_not_genuine(genuine, issuer):
    reading = read_image(genuine, [issuer.csca])
    bad = AuthenticityReport((Problem(ProblemKind.CHIP_AUTH_FAILED),))
    with pytest.raises(ValueError):
        IdentityReading(bad, reading.contents, reading.files, 8)


def test_a_chip_never_authenticated_is_never_genuine(genuine, issuer):
    """assess fails closed: without chip authentication and without any problem given."""
    files = read_image(genuine, [issuer.csca]).files
    report = assess(files, [issuer.csca], chip_problems=(), chip_authenticated=False)
    assert report.verdict is Verdict.CLONED_CHIP


def test_every_problem_kept_and_the_verdict_is_the_first(genuine, issuer):
    """Expired signer, data changed and a clone at once: three problems, one verdict."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4 * 365)
    image = forge(genuine, Forgery.CLONED_CHIP)
    image.files[DG1] = forge(genuine, Forgery.DATA_TAMPERED).files[DG1]
    chip = SimulatedChip(CardStore(image))
    reading = NidCard(DirectTransport(chip.process, chip.atr)).read_identity(
        [issuer.csca], photo=False, now=later)
    assert kinds(reading) == [ProblemKind.SIGNER_EXPIRED, ProblemKind.GROUP_HASH_MISMATCH,
                              ProblemKind.CHIP_AUTH_FAILED]
    assert reading.authenticity.verdict is Verdict.SIGNER_EXPIRED
    until = issuer.ds.not_valid_after_utc.date()
    assert reading.authenticity.problems[0] == Problem(ProblemKind.SIGNER_EXPIRED, until=until)


def test_every_problem_kind_has_a_verdict_and_stable_ids():
    from apdu.problems import VERDICT_OF

    assert set(VERDICT_OF) == set(ProblemKind)
    assert Verdict.GENUINE not in VERDICT_OF.values()
    for enum in (Verdict, ProblemKind, SodPart):
        for member in enum:
            assert member.value == member.name.lower().replace("_", "-")


def test_card_files_slots_say_why_they_are_empty(genuine, issuer):
    files = CardFiles(groups={1: Problem(ProblemKind.GROUP_MISSING, group=1, status_word=0x6A82)},
                      sod=genuine.files[EF_SOD.fid], lifecycle=Lifecycle.ACTIVE)
    report = assess(files, [issuer.csca], chip_authenticated=True)
    assert Problem(ProblemKind.GROUP_MISSING, group=1, status_word=0x6A82) in report.problems
