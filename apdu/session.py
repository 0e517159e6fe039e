"""What the card client's operation mixins need from the client: the typing seam only."""

from __future__ import annotations

from typing import Protocol

from apdu.command import CommandApdu, ResponseApdu
from apdu.profile import ElementaryFile, SignatureAlgorithmRef


class CardSession(Protocol):
    _signature_environment: SignatureAlgorithmRef | None

    def send(self, command: CommandApdu, what: str) -> ResponseApdu: ...

    def call(self, command: CommandApdu, what: str) -> bytes: ...

    def select_application(self) -> None: ...

    def read_file(self, ef: ElementaryFile) -> bytes: ...
