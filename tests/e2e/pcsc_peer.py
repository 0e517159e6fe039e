"""Another local PC/SC program, as an attacker would write one: bare pyscard, no nidkiosk.

Run as ``python pcsc_peer.py "<reader name>"``; it connects (shared, T=1) and then
reads one command a line from stdin, answering each with one line on stdout:

    tx <hex>     -> "<rv> <response hex>"  (SCardTransmit; rv as 8 hex digits)
    reconnect    -> "<rv>"                  (SCardReconnect, leaving the card as it is)
    begin / end  -> "<rv>"                  (SCardBeginTransaction / SCardEndTransaction)
    quit
"""

import sys

from smartcard import scard


def main() -> None:
    rv, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    rv, card, _proto = scard.SCardConnect(context, sys.argv[1], scard.SCARD_SHARE_SHARED,
                                          scard.SCARD_PROTOCOL_T1)
    print(f"{rv & 0xFFFFFFFF:08X}", flush=True)
    for line in sys.stdin:
        verb, _, arg = line.strip().partition(" ")
        if verb == "tx":
            rv, response = scard.SCardTransmit(card, scard.SCARD_PCI_T1, list(bytes.fromhex(arg)))
            data = bytes(response).hex() if rv == scard.SCARD_S_SUCCESS else ""
            print(f"{rv & 0xFFFFFFFF:08X} {data}", flush=True)
        elif verb == "reconnect":
            rv, _proto = scard.SCardReconnect(card, scard.SCARD_SHARE_SHARED,
                                              scard.SCARD_PROTOCOL_T1, scard.SCARD_LEAVE_CARD)
            print(f"{rv & 0xFFFFFFFF:08X}", flush=True)
        elif verb == "begin":
            print(f"{scard.SCardBeginTransaction(card) & 0xFFFFFFFF:08X}", flush=True)
        elif verb == "end":
            rv = scard.SCardEndTransaction(card, scard.SCARD_LEAVE_CARD)
            print(f"{rv & 0xFFFFFFFF:08X}", flush=True)
        elif verb == "quit":
            break
    scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
    scard.SCardReleaseContext(context)


if __name__ == "__main__":
    main()
