"""``nidkiosk registry`` and the office's steps that need no device: words, JSON, exit codes.

(The office's completion and delivery, which need the sensor and pcscd, are exercised
end to end in tests/e2e/test_registration_e2e.py.)
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from kiosk.cli.words import CATALOG
from registry.documents import DocField, DocumentProblem, PresentedCard
from registry.eligibility import ApplicationKind, Basis, Refusal
from registry.fees import FeeItem
from registry.fingers import FingerProblem, SkipReason
from registry.forms import Field
from registry.lifecycle import BookingBlock, Status
from registry.office_contract import CounterMethod, RejectReason
from registry.office_refusals import OfficeRefusal
from registry.photo import PhotoProblem, PhotoSource
from registry.refusals import AppointmentRefusal, BookingRefusal, LimitScope, PaymentRefusal
from registry.states import AppointmentState
from registry.tracking import CodeProblem
from tests.conftest import NIDKIOSK, REPO

CODE = "0053901207"
REGISTER = ["--national-code", CODE, "--mobile", "09121234567", "--serial", "93-د-619869",
            "--mother-name", "مریم", "--gender", "female", "--birth-date", "1370/05/12"]


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NIDKIOSK, *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=120)


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    url = f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    assert cli("registry", "migrate", "--db", url).returncode == 0
    return ["--db", url]


WORDED = [Status, ApplicationKind, Basis, Refusal, FeeItem, BookingBlock, BookingRefusal,
          AppointmentRefusal, PaymentRefusal, LimitScope, OfficeRefusal, PhotoProblem,
          FingerProblem, SkipReason, RejectReason, DocField, DocumentProblem, PresentedCard,
          CounterMethod, PhotoSource, AppointmentState, Field, CodeProblem]


@pytest.mark.parametrize("enum", WORDED, ids=lambda e: e.__name__)
def test_every_registry_value_is_worded_in_both_languages(enum) -> None:
    for member in enum:
        english, persian = CATALOG[f"{enum.__name__}.{member.name}"]
        assert english and any("\u0600" <= c <= "\u06ff" for c in persian)
        assert not any(c in "0123456789" for c in persian)


def test_eligibility_answers_and_refuses_with_exit_4() -> None:
    done = cli("registry", "eligibility", "--birth-date", "1370/05/12")
    assert done.returncode == 0 and "first card" in done.stdout and "60,000" in done.stdout
    young = cli("--lang", "fa", "registry", "eligibility", "--birth-date", "1400/01/01",
                "--json")
    assert young.returncode == 4
    answer = json.loads(young.stdout)
    assert answer["eligible"] is False and answer["decision"]["reason"] == "under-age"
    abroad = cli("--lang", "fa", "registry", "eligibility", "--birth-date", "1370/05/12",
                 "--abroad")
    assert abroad.returncode == 4 and "خارج از کشور" in abroad.stdout


def test_fees_of_a_day_in_persian() -> None:
    done = cli("--lang", "fa", "registry", "fees", "--on", "1402/01/01")
    assert done.returncode == 0
    assert "۲۳۵٬۱۴۳ + ۲۱٬۰۰۰ + ۳٬۸۲۰ = ۲۵۹٬۹۶۳ ریال" in done.stdout
    assert "۷۲٬۰۰۰ تومان" in done.stdout
    old = cli("registry", "fees", "--on", "1396/06/01", "--json")
    assert json.loads(old.stdout)["office_tariffs"][0]["final"] in (20_000, 90_000)


def test_the_citizens_steps_with_their_refusals(db: list[str]) -> None:
    assert cli("registry", "register", *db, *REGISTER).returncode == 2   # no --yes, no tty
    declined = cli("registry", "register", *db, *REGISTER, "--yes", "--bank", "decline",
                   "--json")
    assert declined.returncode == 4 and "declined" in declined.stderr
    assert json.loads(declined.stdout)["application"]["status"] == "awaiting-payment"
    done = cli("registry", "register", *db, *REGISTER, "--yes", "--json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    tracking = answer["application"]["tracking_code"]
    assert answer["payment"]["amount_rial"] == 600_000
    assert answer["payment"]["receipt"]["shares"]["treasury"] == 600_000
    ref = ["--national-code", CODE, "--tracking-code", tracking]

    added = cli("office", "add", *db, "--code", "C1", "--name", "دفتر یک", "--city", "021",
                "--address", "تهران", "--location", "35.7,51.4", "--capacity", "1",
                "--days", "0123456", "--json")
    office = str(json.loads(added.stdout)["office"]["office_id"])
    listed = cli("registry", "offices", *db, "--city", "021", "--near", "35.7,51.4")
    assert listed.returncode == 0 and "1 free of 1" in listed.stdout and "0.0 km" in listed.stdout
    past = cli("registry", "book", *db, *ref, "--office", office, "--day", "1400/01/01")
    assert past.returncode == 4 and "passed" in past.stderr
    today = json.loads(cli("registry", "fees", "--json").stdout)["day"]["jalali"]
    booked = cli("registry", "book", *db, *ref, "--office", office, "--day", today, "--json")
    assert booked.returncode == 0, booked.stderr
    assert json.loads(booked.stdout)["application"]["status"] == "booked"
    again = cli("registry", "book", *db, *ref, "--office", office, "--day", today)
    assert again.returncode == 4 and "already booked" in again.stderr

    status = cli("--lang", "fa", "registry", "status", *db, *ref)
    assert status.returncode == 0 and "نوبت گرفته شده" in status.stdout
    recovered = cli("registry", "recover", *db, "--national-code", CODE,
                    "--birth-date", "۱۳۷۰/۰۵/۱۲", "--json")
    assert json.loads(recovered.stdout)["recovered"]["tracking_code"] == tracking
    typo = cli("registry", "status", *db, "--national-code", CODE,
               "--tracking-code", tracking[:-1] + str((int(tracking[-1]) + 1) % 10))
    assert typo.returncode == 2 and "check digit" in typo.stderr
    schedule = cli("office", "schedule", *db, "--office", office, "--json")
    appointment, = json.loads(schedule.stdout)["appointments"]
    early = cli("office", "decide", *db, "--application", str(appointment["application_id"]),
                "--approve", "--json")
    assert early.returncode == 4
    assert json.loads(early.stdout)["error"] == "TransitionRefused"


def test_storage_trouble_is_exit_3(tmp_path: Path) -> None:
    fresh = f"sqlite:///{tmp_path / 'not-migrated.sqlite3'}"
    stale = cli("registry", "status", "--db", fresh, "--national-code", CODE,
                "--tracking-code", "1" * 20)
    assert stale.returncode == 3 and "registry migrate" in stale.stderr
    (tmp_path / "nothing").mkdir()
    down = cli("registry", "recover", "--db",
               f"postgresql+psycopg://postgres@/x?host={tmp_path / 'nothing'}",
               "--national-code", CODE, "--birth-date", "1370/05/12")
    assert down.returncode == 3 and "not available" in down.stderr
    assert "Traceback" not in stale.stderr + down.stderr


def test_a_photo_the_card_cannot_take_is_refused_before_the_fingers(db: list[str],
                                                                    tmp_path: Path) -> None:
    not_jpeg = tmp_path / "photo.png"
    not_jpeg.write_bytes(b"\x89PNG\r\n\x1a\n")
    done = cli("office", "complete", *db, "--application", "1", "--office", "1",
               "--sensor", str(tmp_path / "no-sensor"), "--photo", str(not_jpeg),
               "--given-name", "مریم", "--surname", "رضایی", "--father-name", "حسن",
               "--certificate-number", "1", "--serial", "93-د-619869",
               "--postal-code", "1351789012", "--address", "تهران", "--landline",
               "02188881234", "--mobile", "09121234567")
    assert done.returncode == 4 and "not a JPEG" in done.stderr
