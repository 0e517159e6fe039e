"""``nidkiosk office ...``: the office's steps, from the day's schedule to the hand-over.

An office adds itself to the registry, reads its day, marks who came, completes a
registration (photo, ten fingers through ``--sensor``, the documents it checked), has
the manager decide, issues the card (the SIMULATED factory writes the card image and
its PIN letter, both private), makes it ready for collection (SMS to the SIMULATED
outbox), and hands it over: the delivery flow reads the card genuine through PC/SC,
the holder's finger is verified on it, it is activated, the holder chooses PIN1; then
the delivery and its fee are recorded and the receipt is written for printing.
Completion at the desk (photo, documents, ten fingers) is in ``kiosk.cli.office_enrol``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cryptography.hazmat.primitives.serialization import Encoding

from kiosk import paths
from kiosk.cli.card import trust_anchors
from kiosk.cli.common import (
    EXIT_OK,
    Finished,
    SecretInput,
    UsageError,
    add_card_options,
    card_opener,
    err,
    words,
)
from kiosk.cli.deliver import hand_over
from kiosk.cli.files import write_private_file
from kiosk.cli.finger import Guidance
from kiosk.cli.office_enrol import FINGER_NAMES, cmd_complete
from kiosk.cli.registry_common import (
    EXIT_REFUSED,
    EXIT_UNAVAILABLE,
    add_registry_options,
    caller_for,
    day_argument,
    day_text,
    emit,
    open_registry,
    operator,
    registry_command,
    session_file,
)
from kiosk.flows.deliver import DeliverCardFlow, Expected
from kiosk.flows.finger import SensorFingers
from kiosk.flows.runner import InlineRunner
from registry.contract import GeoPoint, NewOffice
from registry.documents import PresentedCard
from registry.fingers import SkipReason
from registry.office_contract import (
    CardEvidence,
    Charge,
    CounterMethod,
    Decision,
    DeliveryRecord,
    OfficeRecord,
    RejectReason,
)
from registry.remote import RemoteRegistry
from registry.service import RegistryService


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser("office", help="the office's steps: schedule to delivery",
                                description=__doc__)
    sub = group.add_subparsers(dest="office_command", required=True, metavar="STEP")

    def step(name: str, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_)
        add_registry_options(p)
        p.add_argument("--operator", default=operator(),
                       help="who does this step (audit; default $NIDKIOSK_OPERATOR or the user)")
        return p

    p = step("add", "add an office to the registry")
    p.add_argument("--code", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--city", required=True, metavar="PREFIX")
    p.add_argument("--address", required=True)
    p.add_argument("--location", required=True, metavar="LAT,LON")
    p.add_argument("--capacity", type=int, required=True, help="appointments a day")
    p.add_argument("--days", default="012345",
                   help="opening weekdays, 0 Saturday to 6 Friday (default 012345)")
    p.set_defaults(func=cmd_add)

    p = step("schedule", "the firm appointments of a day")
    p.add_argument("--office", type=int, required=True, metavar="ID")
    p.add_argument("--day", type=day_argument, help="Solar Hijri day (today)")
    p.set_defaults(func=cmd_schedule)

    for name, attended in (("attended", True), ("missed", False)):
        p = step(name, f"the applicant {'came to' if attended else 'missed'} an appointment")
        p.add_argument("appointment", type=int)
        p.set_defaults(func=cmd_mark, attended=attended)

    p = step("complete", "photo, ten fingers through the sensor, documents")
    p.add_argument("--application", type=int, required=True, metavar="ID")
    p.add_argument("--office", type=int, required=True, metavar="ID")
    p.add_argument("--sensor", required=True, metavar="PORT")
    p.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for a finger")
    p.add_argument("--retries", type=int, default=2,
                   help="new tries of a finger that gave no usable touch (without a terminal)")
    p.add_argument("--skip", action="append", default=[], metavar="FINGER=REASON",
                   help="a finger not taken: " + ", ".join(FINGER_NAMES) + "; reason "
                        + "|".join(r.value for r in SkipReason))
    photo = p.add_mutually_exclusive_group(required=True)
    photo.add_argument("--photo", metavar="JPEG", help="the portrait taken elsewhere")
    photo.add_argument("--camera-persona", type=int, metavar="SEED",
                       help="SIMULATED camera: the portrait of a synthetic persona")
    p.add_argument("--given-name", required=True)
    p.add_argument("--surname", required=True)
    p.add_argument("--father-name", required=True)
    p.add_argument("--certificate-number", required=True)
    p.add_argument("--serial", required=True, help="birth certificate serial as on the paper")
    p.add_argument("--not-original-certificate", action="store_true",
                   help="the certificate shown is a copy or has no photo (refused)")
    p.add_argument("--national-card", choices=[c.value for c in PresentedCard], default="none")
    p.add_argument("--postal-code", required=True)
    p.add_argument("--address", required=True)
    p.add_argument("--landline", required=True)
    p.add_argument("--mobile", required=True)
    p.set_defaults(func=cmd_complete)

    p = step("decide", "the office manager approves or refuses a completed registration")
    p.add_argument("--application", type=int, required=True, metavar="ID")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--approve", action="store_true")
    choice.add_argument("--refuse", choices=[r.value for r in RejectReason], metavar="REASON",
                        help=", ".join(r.value for r in RejectReason))
    p.set_defaults(func=cmd_decide)

    p = step("issue", "have the (SIMULATED) factory make the card; writes it and its PIN letter")
    p.add_argument("--application", type=int, required=True, metavar="ID")
    p.add_argument("--out", metavar="DIR", help="where to write them (default: data dir cards/)")
    p.set_defaults(func=cmd_issue)

    p = step("ready", "the card reached the office: ready for collection, SMS the applicant")
    p.add_argument("--application", type=int, required=True, metavar="ID")
    p.set_defaults(func=cmd_ready)

    p = step("deliver", "hand the card over: genuine, finger on the card, activate, PIN1, fee")
    add_card_options(p)
    p.add_argument("--office", type=int, required=True, metavar="ID")
    p.add_argument("--national-code", required=True)
    p.add_argument("--sensor", required=True, metavar="PORT")
    p.add_argument("--timeout", type=float, default=15.0)
    p.add_argument("--trust", metavar="PATH", help="CSCA certificate(s) (default: store)")
    p.add_argument("--accept-late-fee", action="store_true",
                   help="the holder pays the higher fee for a voided card")
    p.add_argument("--method", choices=[m.value for m in CounterMethod], default="pos")
    p.add_argument("--terminal-reference", help="the card terminal's trace number")
    p.add_argument("--receipt", metavar="FILE.pdf|FILE.png",
                   help="where to write the receipt (default: data dir receipts/)")
    p.set_defaults(func=cmd_deliver)

    p = step("sign-in", "an operator signs in at this office device with their national "
                        "card (PIN2; the card signs the service's challenge)")
    add_card_options(p)
    p.set_defaults(func=cmd_sign_in)

    p = step("sign-out", "end the operator's session at this device")
    p.set_defaults(func=cmd_sign_out)

    p = step("void-sweep", "record VOIDED for cards uncollected past their day")
    p.set_defaults(func=cmd_void_sweep)

    p = step("record", "an application as the office sees it")
    p.add_argument("--application", type=int, required=True, metavar="ID")
    p.set_defaults(func=cmd_record)


def _desk(args: argparse.Namespace, **parts: object) -> RegistryService:
    return open_registry(args, caller_for("office", args.operator), **parts)


# --- the fleet and the day --------------------------------------------------------------

@registry_command
def cmd_add(args: argparse.Namespace) -> int:
    try:
        lat, lon = (float(x) for x in args.location.split(","))
        days = frozenset(int(d) for d in args.days)
    except ValueError as exc:
        raise UsageError("--location LAT,LON and --days digits 0-6") from exc
    registry = _desk(args)
    try:
        view = registry.add_office(NewOffice(args.code, args.name, args.city, args.address,
                                             GeoPoint(lat, lon), args.capacity, days))
        emit(args, {"office": view}, words().say("office.added", id=view.office_id,
                                                  name=view.name, city=view.city_prefix,
                                                  capacity=view.daily_capacity))
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_schedule(args: argparse.Namespace) -> int:
    w = words()
    registry = _desk(args)
    try:
        day = args.day or registry.clock.today()
        listed = registry.office_schedule(args.office, day)
        lines = [w.say("office.schedule", id=args.office, day=day_text(day),
                       count=len(listed))]
        lines += [w.say("office.schedule_line", appointment=s.appointment.appointment_id,
                        application=s.application_id, state=w.say(s.appointment.state))
                  for s in listed]
        emit(args, {"day": day, "appointments": listed}, *lines)
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_mark(args: argparse.Namespace) -> int:
    registry = _desk(args)
    try:
        view = (registry.mark_attended if args.attended else registry.mark_missed)(
            args.appointment)
        emit(args, {"appointment": view}, words().say("office.marked", id=view.appointment_id,
                                                      state=words().say(view.state)))
        return EXIT_OK
    finally:
        registry.close()


# --- decision, issue, ready -------------------------------------------------------------

@registry_command
def cmd_decide(args: argparse.Namespace) -> int:
    w = words()
    registry = _desk(args)
    try:
        reason = RejectReason(args.refuse) if args.refuse else None
        record = registry.decide(Decision(args.application, bool(args.approve), reason))
        line = (w.say("office.approved", id=record.application_id) if args.approve
                else w.say("office.rejected", id=record.application_id,
                           why=w.say(reason or RejectReason.IDENTITY_MISMATCH)))
        emit(args, {"record": record}, line)
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_issue(args: argparse.Namespace) -> int:
    from kiosk.cli.sim import ensure_issuer  # the SIMULATED factory signs as the test issuer
    from simulators.card_factory import SimulatedCardFactory

    out = Path(args.out) if args.out else paths.cards_dir()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: {exc.strerror}") from exc
    registry = _desk(args, cards=SimulatedCardFactory(ensure_issuer()))
    try:
        issued = registry.issue_card(args.application)
        serial = issued.card.card_serial
        card_path, letter_path = out / f"card-{serial}.json", out / f"pin-letter-{serial}.json"
        write_private_file(card_path, issued.card.card)      # it holds the chip's secrets
        write_private_file(letter_path, issued.card.pin_letter)
        r = issued.record
        assert r.collect_by is not None
        emit(args, {"record": r, "card_file": str(card_path), "pin_letter_file": str(letter_path)},
             words().say("office.issued", serial=serial, id=r.application_id,
                         day=day_text(r.collect_by)),
             words().say("office.card_written", path=card_path, letter=letter_path))
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_ready(args: argparse.Namespace) -> int:
    from simulators.sms import SimulatedSms  # SIMULATOR: an outbox file, no network

    sms = SimulatedSms(paths.run_dir() / "sms-outbox.jsonl")
    registry = _desk(args, notifier=sms)
    try:
        record = registry.card_arrived(args.application)
        sent = bool(sms.sent) or isinstance(registry, RemoteRegistry)   # the service's SMS
        key = "office.ready" if sent else "office.ready_unsent"
        emit(args, {"record": record, "sms_sent": sent},
             words().say(key, id=record.application_id))
        return EXIT_OK
    finally:
        registry.close()


# --- delivery ---------------------------------------------------------------------------

@registry_command
def cmd_deliver(args: argparse.Namespace) -> int:
    w = words()
    anchors = trust_anchors(args.trust)
    if args.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    registry = _desk(args)
    try:
        ticket = registry.collection(args.office, args.national_code)
        due = int(ticket.receipt.total)
        if ticket.late and not args.accept_late_fee:
            err(w.say("office.late", day=day_text(ticket.collect_by), amount=due))
            emit(args, {"ticket": ticket, "delivered": False})
            return EXIT_REFUSED
        err(w.say("office.ticket", serial=ticket.card_serial, code=ticket.national_code,
                  amount=due))
        flow = DeliverCardFlow(InlineRunner(), card_opener(args),
                               SensorFingers(args.sensor, timeout=args.timeout), anchors,
                               expected=Expected(ticket.national_code, ticket.card_serial),
                               wrong_attempts=1, on_change=Guidance())
        delivery = hand_over(flow)
        if isinstance(delivery, int):
            return delivery
        contents = delivery.reading.contents
        assert contents is not None     # a Delivery exists only for a genuine card
        evidence = CardEvidence(delivery.reading.authenticity.genuine,
                                contents.identity.national_code,
                                contents.identity.card_serial, delivery.finger_reference)
        done = registry.record_delivery(DeliveryRecord(
            ticket.application_id, args.office, evidence, due, CounterMethod(args.method),
            args.terminal_reference))
        receipt_path = _write_receipt(args, done.record, done.charge)
        emit(args, {"record": done.record, "charge": done.charge,
                    "receipt_file": str(receipt_path)},
             w.say("office.delivered", serial=ticket.card_serial, amount=due),
             w.say("receipt.written", path=receipt_path))
        return EXIT_OK
    finally:
        registry.close()


def _write_receipt(args: argparse.Namespace, record: OfficeRecord, charge: Charge) -> Path:
    from kiosk.receipts import FontMissing, ReceiptFacts, write_receipt  # Pillow, the font

    path = Path(args.receipt) if args.receipt else (
        paths.home() / "receipts" / f"delivery-{record.application_id}-{record.card_serial}.pdf")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_receipt(path, ReceiptFacts.of(record, charge))
    except (OSError, FontMissing) as exc:
        err(f"receipt: {path}: {getattr(exc, 'strerror', None) or exc}")
        raise Finished(EXIT_UNAVAILABLE) from exc
    return path


def _remote_desk(args: argparse.Namespace) -> RemoteRegistry:
    registry = _desk(args)
    if not isinstance(registry, RemoteRegistry):
        registry.close()
        raise UsageError("sign-in is for the registry service: --registry https://HOST:PORT "
                         "(or $NIDKIOSK_REGISTRY_URL)")
    return registry


@registry_command
def cmd_sign_in(args: argparse.Namespace) -> int:
    from apdu.pins import PinRef
    from signing.card_signer import CardDigestSigner

    registry = _remote_desk(args)
    try:
        card = card_opener(args)()
        try:
            certificate = card.read_signature_certificate()
            if certificate is None:
                raise UsageError(words().say("office.no_signature_certificate"))
            card.verify_pin(PinRef.PIN2, SecretInput().ask(words().pin(PinRef.PIN2)))
            session = registry.sign_in(CardDigestSigner(card), certificate.public_bytes(
                Encoding.DER))
        finally:
            card.close()
        paths.run_dir().mkdir(parents=True, exist_ok=True)
        write_private_file(session_file(), session.token.encode("ascii"))
        emit(args, {"operator_id": session.operator_id, "office_id": session.office_id,
                    "role": session.role, "expires_at": session.expires_at},
             words().say("registry.signed_in", id=session.operator_id, role=session.role,
                         until=session.expires_at.isoformat(timespec="minutes")))
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_sign_out(args: argparse.Namespace) -> int:
    registry = _remote_desk(args)
    try:
        registry.sign_out()
    finally:
        registry.close()
        session_file().unlink(missing_ok=True)
    emit(args, {"signed_out": True}, words().say("registry.signed_out"))
    return EXIT_OK


@registry_command
def cmd_void_sweep(args: argparse.Namespace) -> int:
    registry = _desk(args)
    try:
        moved = registry.void_uncollected()
        emit(args, {"voided": moved}, words().say("office.voided", count=len(moved)))
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_record(args: argparse.Namespace) -> int:
    w = words()
    registry = _desk(args)
    try:
        r = registry.office_record(args.application)
        lines = [w.say("status.line", id=r.application_id, status=w.say(r.status))]
        if r.card_serial and r.collect_by:
            lines.append("  " + w.say("status.card", serial=r.card_serial,
                                      day=day_text(r.collect_by)))
        emit(args, {"record": r}, *lines)
        return EXIT_OK
    finally:
        registry.close()

