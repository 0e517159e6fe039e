"""The whole life of an application through the command line, on SQLite and PostgreSQL.

pre-register → pay → book → the office completes it with ten fingers captured through
the pty sensor (this test places each finger of the persona as the command asks) →
the manager approves → the card is issued → it goes into the virtual reader → it is
delivered through pcscd with the finger verified on the card, the fee recorded and the
receipt written → the holder reads it as genuine and changes PIN1.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from citizen.jalali import jalali_numeric
from registry.clock import SystemClock
from simulators.card import CardStore, SimulatedChip
from simulators.enrolment import touch
from simulators.personas import generate_persona
from simulators.sensor import ProvidedImage
from tests.conftest import NIDKIOSK, REPO
from tests.e2e.conftest import wait_for_card

pytestmark = pytest.mark.slow
SEED = 1405
PIN1, NEW_PIN1 = "975310", "864297"


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*NIDKIOSK, *args], input=stdin, capture_output=True, text=True,
                          cwd=REPO, timeout=180)


def ok(*args: str, stdin: str = "") -> dict:
    done = cli(*args, "--json", stdin=stdin)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    answer = json.loads(done.stdout)
    assert answer.get("ok", True) is True
    return answer


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    server = request.getfixturevalue("scratch_postgres")
    name = f"e2e_{os.getpid()}_{time.monotonic_ns()}"
    url = server.create_database(name)
    request.addfinalizer(lambda: server.drop_database(name))
    return url


def complete_with_fingers(sensor, args: list[str]) -> dict:
    """Run ``office complete`` and be the applicant: place each finger the command asks
    for, lift it when told, as its JSON guidance on stderr says."""
    sensor.lift()
    process = subprocess.Popen([*NIDKIOSK, *args, "--json"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               cwd=REPO)
    asked: list[int] = []
    errors: list[str] = []
    assert process.stderr is not None and process.stdout is not None
    for line in process.stderr:
        try:
            event = json.loads(line)
        except ValueError:
            errors.append(line)
            continue
        if event["step"] == "lift-and-place":
            sensor.lift()
        elif event["step"] == "place-finger":
            asked.append(event["finger"])
            sensor.place(ProvidedImage(touch, SEED, event["finger"], 0))
    out = process.stdout.read()
    assert process.wait(timeout=60) == 0, (out, errors)
    assert sorted(set(asked)) == list(range(1, 11))      # every finger, as asked
    return json.loads(out)


def test_pre_registration_to_a_delivered_card(db_url: str, tmp_path: Path, reader0, sensor,
                                              issuer, receipt_font) -> None:
    started = time.monotonic()
    db = ["--db", db_url]
    ok("registry", "migrate", *db)
    persona = generate_persona(SEED)
    who = persona.identity
    today = jalali_numeric(SystemClock().today())

    desk = ok("office", "add", *db, "--code", f"E2E-{SEED}", "--name", "دفتر پیشخوان ۱۲۳۴",
              "--city", "021", "--address", "تهران، میدان ولیعصر", "--location", "35.7,51.4",
              "--capacity", "3", "--days", "0123456")["office"]
    office = str(desk["office_id"])

    registered = ok("registry", "register", *db, "--national-code", who.national_code,
                    "--mobile", "09121234567", "--serial", who.birth_certificate_serial,
                    "--mother-name", who.mother_name, "--gender", who.gender.name.lower(),
                    "--birth-date", jalali_numeric(who.birth_date), "--yes")
    application = registered["application"]
    assert application["status"] == "registered"
    assert registered["payment"]["receipt"]["lines"][0]["item"] == "card-issuance"
    tracking = application["tracking_code"]
    ref = ["--national-code", who.national_code, "--tracking-code", tracking]

    listed = ok("registry", "offices", *db, "--city", "021", "--day", today)["offices"]
    assert [o["office"]["office_id"] for o in listed] == [desk["office_id"]]
    booked = ok("registry", "book", *db, *ref, "--office", office, "--day", today)
    assert booked["application"]["status"] == "booked"
    assert booked["payment"]["amount_rial"] == 259_963

    day = ok("office", "schedule", *db, "--office", office)["appointments"]
    appointment, = day
    app_id = str(appointment["application_id"])
    ok("office", "attended", *db, str(appointment["appointment"]["appointment_id"]))

    completed = complete_with_fingers(sensor, [
        "office", "complete", *db, "--application", app_id, "--office", office,
        "--sensor", sensor.port_path, "--camera-persona", str(SEED), "--operator", "clerk",
        "--given-name", who.given_name, "--surname", who.surname,
        "--father-name", who.father_name, "--certificate-number", who.birth_certificate_number,
        "--serial", who.birth_certificate_serial, "--postal-code", persona.address.postal_code,
        "--address", persona.address.address, "--landline", "021 8888 1234",
        "--mobile", "09121234567"])
    assert completed["record"]["status"] == "completed"
    assert len(completed["record"]["captured"]) == 10
    assert completed["charge"]["amount_rial"] == 259_963

    refused = cli("office", "decide", *db, "--application", app_id, "--approve",
                  "--operator", "clerk")
    assert refused.returncode == 4 and "completed" in refused.stderr    # four eyes
    ok("office", "decide", *db, "--application", app_id, "--approve", "--operator", "manager")

    cards = tmp_path / "cards"
    issued = ok("office", "issue", *db, "--application", app_id, "--out", str(cards))
    card_file, letter_file = Path(issued["card_file"]), Path(issued["pin_letter_file"])
    for secret in (card_file, letter_file):
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    serial = issued["record"]["card_serial"]
    assert issued["record"]["card_fingers"] == ["right-index", "left-index"]
    ready = ok("office", "ready", *db, "--application", app_id)
    assert ready["sms_sent"] is True and ready["record"]["status"] == "ready-for-collection"

    chip = SimulatedChip(CardStore.open(card_file))
    reader0.readers[0].insert(chip)
    wait_for_card(0)
    sensor.place(ProvidedImage(touch, SEED, 2, 2))        # the right index, a new touch
    receipt = tmp_path / "receipt.pdf"
    delivered = cli("office", "deliver", *db, "--office", office,
                    "--national-code", who.national_code, "--sensor", sensor.port_path,
                    "--reader", "0", "--receipt", str(receipt), "--json",
                    stdin=f"{PIN1}\n{PIN1}\n")
    assert delivered.returncode == 0, delivered.stderr
    result = json.loads(delivered.stdout)
    assert result["record"]["status"] == "delivered" and result["record"]["card_serial"] == serial
    assert result["charge"]["amount_rial"] == 72_079
    assert "Place your finger" in delivered.stderr
    assert receipt.read_bytes().startswith(b"%PDF") and stat.S_IMODE(receipt.stat().st_mode) \
        == 0o600

    read = ok("read", "--reader", "0")
    assert read["authenticity"]["genuine"] is True and read["lifecycle"] == "active"
    assert read["identity"]["national_code"] == who.national_code
    assert read["identity"]["mother_name"] == who.mother_name
    assert read["identity"]["card_serial"] == serial
    changed = cli("pin", "change", "--which", "pin1", "--reader", "0",
                  stdin=f"{PIN1}\n{NEW_PIN1}\n{NEW_PIN1}\n")
    assert changed.returncode == 0, changed.stderr
    status = ok("registry", "status", *db, *ref)["application"]
    assert status["status"] == "delivered" and status["card_serial"] == serial
    print(f"e2e on {db_url.split(':')[0]}: {time.monotonic() - started:.1f} s")
