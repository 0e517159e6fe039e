"""The command line against the service: the same commands, one setting changed.

``--registry https://…`` (or ``$NIDKIOSK_REGISTRY_URL``) and the device's credential
directory are all that differ from the in-process registry; the answers, JSON and exit
codes are the same. A kiosk's credential refused for an office step exits 4 with words,
a service that is down exits 3 naming it; never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from pathlib import Path

from citizen.jalali import jalali_numeric
from registry.api import Role
from registry.clock import SystemClock
from tests.conftest import NIDKIOSK, REPO
from tests.registry.service.fleet import Fleet

CODE = "0053901207"


def cli(device: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NIDKIOSK_DEVICE_DIR": str(device)}
    return subprocess.run([*NIDKIOSK, *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, env=env)


def test_the_citizens_steps_and_an_office_added_through_the_service(fleet: Fleet) -> None:
    service = fleet.start("cli")
    where = ["--registry", service.url, "--json"]
    console = fleet.device("cli-console", Role.ADMIN)
    kiosk = fleet.device("cli-kiosk", Role.KIOSK)
    added = cli(console, "office", "add", *where, "--code", "CLI1", "--name", "دفتر آزمون",
                "--city", "021", "--address", "تهران", "--location", "35.7,51.4",
                "--capacity", "3", "--days", "0123456")
    assert added.returncode == 0, added.stderr
    office_id = json.loads(added.stdout)["office"]["office_id"]
    registered = cli(kiosk, "registry", "register", *where, "--national-code", CODE,
                     "--mobile", "09121234567", "--serial", "93-د-619869", "--mother-name",
                     "مریم", "--gender", "female", "--birth-date", "1370/05/12", "--yes")
    assert registered.returncode == 0, registered.stderr
    answer = json.loads(registered.stdout)
    assert answer["application"]["status"] == "registered"
    code = answer["application"]["tracking_code"]
    day = jalali_numeric(SystemClock().today() + dt.timedelta(days=2))
    booked = cli(kiosk, "registry", "book", *where, "--national-code", CODE,
                 "--tracking-code", code, "--office", str(office_id), "--day", day)
    assert booked.returncode == 0, booked.stderr
    assert json.loads(booked.stdout)["application"]["status"] == "booked"
    status = cli(kiosk, "--lang", "fa", "registry", "status", "--registry", service.url,
                 "--national-code", CODE, "--tracking-code", code)
    assert status.returncode == 0 and "نوبت" in status.stdout
    declined = cli(kiosk, "registry", "book", *where, "--national-code", CODE,
                   "--tracking-code", code, "--office", str(office_id), "--day", day,
                   "--bank", "decline")
    assert declined.returncode == 2 and "in-process" in declined.stderr

    refused = cli(kiosk, "office", "schedule", "--registry", service.url,
                  "--office", str(office_id))
    assert refused.returncode == 4
    assert "Not allowed" in refused.stderr and "Traceback" not in refused.stderr

    service.stop()
    down = cli(kiosk, "registry", "offices", "--registry", service.url, "--city", "021")
    assert down.returncode == 3
    assert "registry service is not reachable (connection)" in down.stderr
    assert "Traceback" not in down.stderr
