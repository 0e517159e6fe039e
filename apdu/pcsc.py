"""PC/SC transport on pyscard's thin ``smartcard.scard`` layer.

The high-level ``CardConnection`` adds observers and list conversions on every
transmit; the bare SCard calls keep a round trip cheap.
"""

from __future__ import annotations

from smartcard import scard

from apdu.errors import (
    CardRemovedError,
    NoCardError,
    PcscServiceError,
    ReaderNotFoundError,
    TransportError,
)
from apdu.transport import CardInfo, Protocol, Transport

_REMOVED = {
    scard.SCARD_W_REMOVED_CARD,
    scard.SCARD_E_NO_SMARTCARD,
    scard.SCARD_W_RESET_CARD,
    scard.SCARD_W_UNPOWERED_CARD,
    scard.SCARD_E_NOT_TRANSACTED,
    scard.SCARD_W_UNRESPONSIVE_CARD,
}
_NO_SERVICE = {scard.SCARD_E_NO_SERVICE, scard.SCARD_E_SERVICE_STOPPED}


def _check(rv: int, what: str) -> None:
    if rv == scard.SCARD_S_SUCCESS:
        return
    text = scard.SCardGetErrorMessage(rv)
    if rv in _NO_SERVICE:
        raise PcscServiceError(f"{what}: pcscd is not running ({text})")
    if rv == scard.SCARD_E_NO_READERS_AVAILABLE:
        raise ReaderNotFoundError(f"{what}: no readers ({text})")
    if rv == scard.SCARD_E_UNKNOWN_READER:
        raise ReaderNotFoundError(f"{what}: unknown reader ({text})")
    if rv in (scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD) and what == "connect":
        raise NoCardError(f"no card in the reader ({text})")
    if rv in _REMOVED:
        raise CardRemovedError(f"{what}: the card was removed or reset ({text})")
    raise TransportError(f"{what}: PC/SC error {rv & 0xFFFFFFFF:08X} ({text})")


class PcscContext:
    """An SCard context: list readers, connect to one."""

    def __init__(self) -> None:
        rv, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        _check(rv, "establish context")

    def readers(self) -> list[str]:
        rv, names = scard.SCardListReaders(self.handle, [])
        if rv == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        _check(rv, "list readers")
        return list(names)

    def card_present(self, reader: str) -> bool:
        states = [(reader, scard.SCARD_STATE_UNAWARE)]
        rv, result = scard.SCardGetStatusChange(self.handle, 0, states)
        if rv == scard.SCARD_E_TIMEOUT:
            return False
        _check(rv, "status")
        return bool(result[0][1] & scard.SCARD_STATE_PRESENT)

    def resolve(self, reader: str | int | None) -> str:
        """A reader by exact name, by index, by unique substring, or the first with a card."""
        names = self.readers()
        if not names:
            raise ReaderNotFoundError("no card readers found (is pcscd running with a reader?)")
        if reader is None:
            for name in names:
                if self.card_present(name):
                    return name
            raise NoCardError(f"no card in any reader ({', '.join(names)})")
        if isinstance(reader, int) or (isinstance(reader, str) and reader.isdigit()):
            index = int(reader)
            if not 0 <= index < len(names):
                raise ReaderNotFoundError(f"reader index {index} out of range 0..{len(names) - 1}")
            return names[index]
        if reader in names:
            return reader
        matches = [name for name in names if reader.lower() in name.lower()]
        if len(matches) == 1:
            return matches[0]
        raise ReaderNotFoundError(f"no single reader matches {reader!r}; readers: {names}")

    def connect(self, reader: str | int | None = None) -> PcscTransport:
        return PcscTransport(self, self.resolve(reader))

    def close(self) -> None:
        scard.SCardReleaseContext(self.handle)


class PcscTransport(Transport):
    """A shared connection to the card in one reader, T=1 preferred, T=0 accepted."""

    def __init__(self, context: PcscContext, reader: str) -> None:
        self._context = context
        rv, self._card, active = scard.SCardConnect(
            context.handle, reader, scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T1 | scard.SCARD_PROTOCOL_T0,
        )
        _check(rv, "connect")
        self._pci = scard.SCARD_PCI_T1 if active == scard.SCARD_PROTOCOL_T1 else scard.SCARD_PCI_T0
        rv, _name, _state, _proto, atr = scard.SCardStatus(self._card)
        _check(rv, "status")
        protocol = Protocol.T1 if active == scard.SCARD_PROTOCOL_T1 else Protocol.T0
        self._info = CardInfo(reader, bytes(atr), protocol)
        self._closed = False

    @property
    def info(self) -> CardInfo:
        return self._info

    def transmit(self, command: bytes) -> bytes:
        if self._closed:
            raise TransportError("the connection is closed")
        rv, response = scard.SCardTransmit(self._card, self._pci, list(command))
        _check(rv, "transmit")
        if len(response) < 2:
            # the reader lost the card mid-command (vpcd reports it as an empty answer)
            raise CardRemovedError("transmit: the card stopped answering: it was removed")
        return bytes(response)

    def reset(self) -> None:
        rv, _active = scard.SCardReconnect(
            self._card, scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T1 | scard.SCARD_PROTOCOL_T0, scard.SCARD_RESET_CARD,
        )
        _check(rv, "reset")

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            scard.SCardDisconnect(self._card, scard.SCARD_LEAVE_CARD)


def list_readers() -> list[tuple[str, bool]]:
    """Every reader and whether a card is in it."""
    context = PcscContext()
    try:
        return [(name, context.card_present(name)) for name in context.readers()]
    finally:
        context.close()
