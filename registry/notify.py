"""Telling the applicant: an SMS when the card is ready for collection.

The registry hands a :class:`Notifier` a :class:`Notification` (data: who, what, the
facts to put in the message); the sender words and sends it. ``simulators.sms`` is the
simulated sender (an outbox), injected by whoever sets the registry up; a real SMS
gateway plugs in the same way. Notifications are written to the database in the same
transaction as the change they announce and sent after it commits (an outbox): a
message is never sent for a change that rolled back, and one whose sending failed is
sent again by :meth:`registry.service.RegistryService.send_notifications`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum

import jdatetime


class NotificationKind(StrEnum):
    CARD_READY = "card-ready"       # collect the card at the office, by ``collect_by``


@dataclass(frozen=True)
class Notification:
    notification_id: int
    kind: NotificationKind
    mobile: str = field(repr=False)
    office_name: str
    office_address: str
    collect_by: jdatetime.date


class NotifierUnavailable(Exception):
    """The sender could not take the message now; it stays in the outbox."""


class Notifier(ABC):
    name: str = "notifier"

    @abstractmethod
    def send(self, notification: Notification) -> None:
        """Send one message; NotifierUnavailable when it could not be taken."""
