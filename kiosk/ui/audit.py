"""The kiosk's audit log: which service ran and how it ended, one JSON line each.

Never a secret, a template, a name, a national code or a tracking code: only the
service, the ending or event, the time, and (for failures that say so) the PIN
reference and tries left; registry steps add plain facts (an application's number, an
office, an amount, a status), never what identifies a person.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path

from kiosk.flows.outcome import Outcome


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, service: str, outcome: Outcome | None, event: str = "ended",
               **details: str | int | bool | None) -> None:
        entry: dict[str, object] = {
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "service": service,
            "event": event,
        }
        entry.update({k: v for k, v in details.items() if v is not None})
        if outcome is not None:
            entry["ending"] = outcome.ending.value
            if outcome.ref is not None:
                entry["pin"] = outcome.ref.name
            if outcome.tries_left is not None:
                entry["tries_left"] = outcome.tries_left
        line = json.dumps(entry, ensure_ascii=True) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line.encode("ascii"))
            finally:
                os.close(fd)

    def entries(self) -> list[dict[str, object]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text().splitlines() if line]
