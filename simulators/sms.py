"""SIMULATED SMS sender: an outbox instead of a phone network.

Implements :class:`registry.notify.Notifier`. Every message is kept in ``sent`` and, if
a path is given, appended to a JSON-lines file (the CLI's outbox under the data
directory) so a person can see what would have been sent. ``down`` makes it refuse,
as a gateway that is not answering does.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from citizen.jalali import jalali_numeric
from registry.notify import Notification, Notifier, NotifierUnavailable


class SimulatedSms(Notifier):
    """SIMULATOR: no message leaves the machine."""

    name = "simulated-sms"

    def __init__(self, outbox: Path | None = None) -> None:
        self.outbox = outbox
        self.sent: list[Notification] = []
        self.down = False
        self._lock = threading.Lock()

    def send(self, notification: Notification) -> None:
        if self.down:
            raise NotifierUnavailable("simulated: the SMS gateway is down")
        with self._lock:
            self.sent.append(notification)
            if self.outbox is not None:
                self.outbox.parent.mkdir(parents=True, exist_ok=True)
                line = json.dumps({
                    "simulated": True, "id": notification.notification_id,
                    "kind": notification.kind.value, "to": notification.mobile,
                    "office": notification.office_name,
                    "office_address": notification.office_address,
                    "collect_by": jalali_numeric(notification.collect_by),
                }, ensure_ascii=False)
                fd = os.open(self.outbox, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(fd, "a", encoding="utf-8") as out:   # mobiles: owner only
                    out.write(line + "\n")
