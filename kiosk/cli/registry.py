"""``nidkiosk registry ...``: the citizen's steps before the office.

Eligibility, fees, pre-registration with its review and payment, offices by free
places or distance, holding and paying a place, recovering a tracking code, status.
Payments go through the SIMULATED bank (no money moves); ``--bank decline`` makes it
refuse. The captcha of the kiosk's and the web's form is not asked here: it slows
scripts driving a public form, and a command line is a script by design, run by
someone already at the machine; what protects applications from guessing is the same
either way (unguessable tracking codes, rate-limited recovery), and that is enforced
by the registry, not by the form.
"""

from __future__ import annotations

import argparse
import secrets
import sys
from typing import Any

from citizen.digits import persian_digits
from citizen.national_code import grouped
from kiosk.cli.common import EXIT_OK, UsageError, err, words
from kiosk.cli.registry_common import (
    EXIT_REFUSED,
    add_registry_options,
    caller_for,
    day_argument,
    day_text,
    emit,
    open_registry,
    operator,
    registry_command,
)
from registry.clock import SystemClock
from registry.contract import (
    ApplicationRef,
    GeoPoint,
    HoldRequest,
    NewApplication,
    OfficeQuery,
    PaymentRequest,
    PaymentView,
    RecoveryRequest,
)
from registry.eligibility import (
    Applicant,
    ApplicationKind,
    CardModel,
    CardSituation,
    ChangedData,
    DamagedCard,
    Eligible,
    HeldCard,
    LostCard,
    NoCard,
    PrintedField,
    Refused,
    decide,
)
from registry.errors import NotEligible
from registry.fee_schedules import FEE_BOOK
from registry.fees import OFFICE_SERVICES, FeeItem, Rial, Unit, amount_digits
from registry.forms import PreRegistrationForm, check_pre_registration, review
from registry.payments import Behaviour, SimulatedBank
from registry.service import LocalRegistry, RegistryService
from registry.states import Disposition, PaymentPurpose, PaymentState
from registry.storage import migrate
from registry.storage.engine import registry_url


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    group = commands.add_parser("registry", help="the citizen's steps: eligibility to status",
                                description=__doc__)
    sub = group.add_subparsers(dest="registry_command", required=True, metavar="STEP")

    p = sub.add_parser("migrate", help="bring the registry database to the newest schema")
    add_registry_options(p)
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("eligibility", help="may this applicant apply, and as what")
    add_registry_options(p)
    _applicant_options(p, birth_date=True)
    p.set_defaults(func=cmd_eligibility)

    p = sub.add_parser("fees", help="the fees and office tariffs in effect on a day")
    add_registry_options(p)
    p.add_argument("--on", type=day_argument, metavar="DATE", help="Solar Hijri day (today)")
    p.set_defaults(func=cmd_fees)

    p = sub.add_parser("register", help="pre-register, review and pay the fee")
    add_registry_options(p)
    p.add_argument("--national-code", required=True)
    p.add_argument("--mobile", required=True)
    p.add_argument("--serial", required=True, help="birth certificate serial, e.g. 93-د-619869")
    p.add_argument("--mother-name", required=True)
    p.add_argument("--gender", required=True, help="male|female (or مرد|زن)")
    _applicant_options(p, birth_date=True)
    _payment_options(p)
    p.add_argument("--yes", action="store_true", help="confirm the review without asking")
    p.set_defaults(func=cmd_register)

    p = sub.add_parser("offices", help="offices of a city on a day, by free places or distance")
    add_registry_options(p)
    p.add_argument("--city", required=True, metavar="PREFIX", help="phone prefix, e.g. 021")
    p.add_argument("--day", type=day_argument, help="Solar Hijri day (today)")
    p.add_argument("--near", metavar="LAT,LON", help="sort by distance from here")
    p.add_argument("--within", type=float, metavar="KM", help="only offices this close")
    p.set_defaults(func=cmd_offices)

    p = sub.add_parser("book", help="hold a place at an office and pay to make it firm")
    add_registry_options(p)
    _ref_options(p)
    p.add_argument("--office", type=int, required=True, metavar="ID")
    p.add_argument("--day", type=day_argument, required=True)
    _payment_options(p)
    p.set_defaults(func=cmd_book)

    p = sub.add_parser("recover", help="a forgotten tracking code (national code + birth date)")
    add_registry_options(p)
    p.add_argument("--national-code", required=True)
    p.add_argument("--birth-date", required=True, type=day_argument)
    p.set_defaults(func=cmd_recover)

    from kiosk.cli import registry_service
    registry_service.add_commands(sub)

    p = sub.add_parser("status", help="where an application stands")
    add_registry_options(p)
    _ref_options(p)
    p.set_defaults(func=cmd_status)


def _applicant_options(p: argparse.ArgumentParser, birth_date: bool) -> None:
    p.add_argument("--birth-date", type=day_argument, required=birth_date,
                   help="Solar Hijri, e.g. 1370/05/12")
    p.add_argument("--card", choices=["none", "old", "smart", "lost", "changed", "damaged"],
                   default="none", help="the national card the applicant has now")
    p.add_argument("--issued-year", type=int, help="year the held card was issued")
    p.add_argument("--expires", type=day_argument, help="expiry printed on a smart card")
    p.add_argument("--duplicates-before", type=int, default=0, help="duplicates already had")
    p.add_argument("--changed", action="append", default=[],
                   choices=[f.value for f in PrintedField], help="a printed field that changed")
    p.add_argument("--abroad", action="store_true")
    p.add_argument("--not-iranian", action="store_true")
    p.add_argument("--no-photo-certificate", action="store_true")


def _payment_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--bank", choices=["succeed", "decline"], default="succeed",
                   help="what the SIMULATED bank does with the payment")
    p.add_argument("--payment-key", help="idempotency key (repeat it to retry safely)")


def _ref_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--national-code", required=True)
    p.add_argument("--tracking-code", required=True)


def _citizen(args: argparse.Namespace) -> RegistryService:
    registry = open_registry(args, caller_for("cli", operator()))
    if getattr(args, "bank", None) == "decline" and not isinstance(registry, LocalRegistry):
        registry.close()            # before anything is written: the service's bank decides
        raise UsageError(words().say("registry.remote_bank"))
    return registry


def _situation(args: argparse.Namespace) -> CardSituation:
    if args.card == "none":
        return NoCard()
    if args.card in ("old", "smart"):
        if args.issued_year is None:
            raise UsageError("--card old|smart needs --issued-year")
        return HeldCard(CardModel(args.card), args.issued_year, args.expires)
    if args.card == "lost":
        return LostCard(args.duplicates_before)
    if args.card == "changed":
        if not args.changed:
            raise UsageError("--card changed needs --changed FIELD")
        return ChangedData(frozenset(PrintedField(f) for f in args.changed))
    return DamagedCard()


def _applicant(args: argparse.Namespace) -> Applicant:
    return Applicant(args.birth_date, _situation(args), abroad=args.abroad,
                     iranian=not args.not_iranian,
                     photo_birth_certificate=not args.no_photo_certificate)


def _kind_text(kind: ApplicationKind, number: int) -> str:
    return words().say(kind, n=number)


def _toman(amount: int) -> str:
    return amount_digits(Rial(amount), Unit.TOMAN, persian=words().lang == "fa")


# --- commands ---------------------------------------------------------------------------

@registry_command
def cmd_migrate(args: argparse.Namespace) -> int:
    migrate.upgrade(registry_url(args.db))
    revision = migrate.head()
    emit(args, {"revision": revision}, words().say("migrated", revision=revision))
    return EXIT_OK


@registry_command
def cmd_eligibility(args: argparse.Namespace) -> int:
    today = SystemClock().today()
    decision = decide(_applicant(args), today)
    w = words()
    if isinstance(decision, Refused):
        why = w.say(decision.reason, day=day_text(decision.eligible_from)
                    if decision.eligible_from else "")
        emit(args, {"eligible": False, "decision": decision}, w.say("not_eligible", why=why))
        return EXIT_REFUSED
    assert isinstance(decision, Eligible)
    fee = FEE_BOOK.card_fee(decision.kind, today, decision.duplicate_number)
    emit(args, {"eligible": True, "decision": decision, "fee_rial": int(fee)},
         w.say("eligible", kind=_kind_text(decision.kind, decision.duplicate_number),
               basis=w.say(decision.basis)),
         f"{w.say('FeeItem.CARD_ISSUANCE')}: {_toman(fee)} {w.say('unit.toman')}")
    return EXIT_OK


@registry_command
def cmd_fees(args: argparse.Namespace) -> int:
    day = args.on or SystemClock().today()
    w = words()
    fa = w.lang == "fa"
    cards = FEE_BOOK.card_schedule(day)
    office = FEE_BOOK.office_schedule(day)
    lines = [w.say("fees.header", day=day_text(day)), w.say("fees.card")]
    card_rows: list[dict[str, Any]] = []
    for kind in ApplicationKind:
        numbers = range(1, len(cards.duplicates) + 1) if kind is ApplicationKind.DUPLICATE \
            else (0,)
        for n in numbers:
            fee = cards.fee(kind, n)
            card_rows.append({"kind": kind.value, "number": n, "rial": int(fee)})
            lines.append(f"  {_kind_text(kind, n)}: {_toman(fee)} {w.say('unit.toman')}")
    if cards.signature_activation is not None:
        lines.append(f"  {w.say(FeeItem.SIGNATURE_ACTIVATION)}: "
                     f"{_toman(cards.signature_activation)} {w.say('unit.toman')}")
    if cards.total_cap is not None:
        lines.append("  " + w.say("fees.cap", amount=_toman(cards.total_cap)))
    lines.append(w.say("fees.office"))
    office_rows: list[dict[str, Any]] = []
    for item in sorted(OFFICE_SERVICES, key=lambda i: i.value):
        tariff = office.tariffs.get(item)
        if tariff is None:
            continue
        s = tariff.shares
        office_rows.append({"service": item.value, "office": s.office, "supply": s.supply,
                            "nix": s.nix, "final": int(tariff.final)})
        parts = " + ".join(amount_digits(Rial(x), Unit.RIAL, fa)
                           for x in (s.office, s.supply, s.nix) if x)
        lines.append(f"  {w.say(item)}: {parts} = {amount_digits(tariff.final, Unit.RIAL, fa)}"
                     f" {w.say('unit.rial')}")
    emit(args, {"day": day, "card_fees": card_rows, "office_tariffs": office_rows}, *lines)
    return EXIT_OK


def _bank(registry: RegistryService, args: argparse.Namespace) -> None:
    if args.bank == "decline":
        assert isinstance(registry, LocalRegistry)      # refused earlier for the service
        gateway = registry.gateway
        assert isinstance(gateway, SimulatedBank)
        gateway.script(Behaviour.DECLINE)


def _pay(registry: RegistryService, ref: ApplicationRef, purpose: PaymentPurpose,
         args: argparse.Namespace) -> PaymentView:
    _bank(registry, args)
    key = args.payment_key or f"cli-{purpose.value}-{secrets.token_hex(8)}"
    registry.start_payment(PaymentRequest(ref, purpose, key))
    return registry.observe_payment(key)


def _paid_or_say(paid: PaymentView) -> int | None:
    w = words()
    if paid.state is PaymentState.DECLINED or paid.state is PaymentState.TIMED_OUT:
        err(w.say("payment.declined"))
        return EXIT_REFUSED
    if paid.state is PaymentState.STARTED:
        err(w.say("payment.pending"))
        return EXIT_REFUSED
    if paid.disposition is Disposition.REFUND_DUE:
        err(w.say("payment.refund_due"))
        return EXIT_REFUSED
    return None


def _confirm(args: argparse.Namespace, amount: int) -> bool:
    w = words()
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError(w.say("review.needs_yes"))
    err(w.say("review.confirm", amount=_toman(amount)))
    return sys.stdin.readline().strip().lower() in ("y", "yes", "ب", "بله")


@registry_command
def cmd_register(args: argparse.Namespace) -> int:
    w = words()
    registry = _citizen(args)
    try:
        today = registry.clock.today()
        form = PreRegistrationForm(args.mobile, args.national_code, args.serial, args.birth_date,
                                   args.mother_name, args.gender)
        registration = check_pre_registration(form, today).require()
        decision = decide(_applicant(args), today)
        if isinstance(decision, Refused):
            raise NotEligible(decision.reason, decision.eligible_from)
        assert isinstance(decision, Eligible)
        fee = FEE_BOOK.card_fee(decision.kind, today, decision.duplicate_number)
        page = review(registration)
        if not args.json:
            err(w.say("review.header"))
            for line in page.lines:
                value = line.value
                shown = w.say(f"gender.{value.name}") if not isinstance(value, str) else value
                err(f"  {w.say(line.field)}: {shown}")
            err(f"  {_kind_text(decision.kind, decision.duplicate_number)}: {_toman(fee)} "
                f"{w.say('unit.toman')}")
        if not _confirm(args, int(fee)):
            err(w.say("review.declined"))
            return EXIT_REFUSED
        r = registration
        view = registry.register(NewApplication(
            r.national_code, r.birth_date, r.mother_name, r.mobile,
            r.birth_certificate_serial.canonical, r.gender, decision.kind,
            decision.duplicate_number))
        ref = ApplicationRef(r.national_code, view.tracking_code)
        paid = _pay(registry, ref, PaymentPurpose.REGISTRATION, args)
        failed = _paid_or_say(paid)
        status = registry.application(ref)
        if failed is not None:
            emit(args, {"application": status, "payment": paid})
            return failed
        emit(args, {"application": status, "payment": paid},
             w.say("registered", code=_grouped_code(view.tracking_code),
                   amount=_toman(paid.amount_rial), bank=paid.bank_reference or "?"),
             w.say("book_by", day=day_text(status.booking_deadline))
             if status.booking_deadline else "")
        return EXIT_OK
    finally:
        registry.close()


def _grouped_code(code: str) -> str:
    text = "-".join(code[i:i + 4] for i in range(0, len(code), 4))
    return persian_digits(text) if words().lang == "fa" else text


@registry_command
def cmd_offices(args: argparse.Namespace) -> int:
    w = words()
    registry = _citizen(args)
    try:
        day = args.day or registry.clock.today()
        near = None
        if args.near:
            try:
                lat, lon = (float(x) for x in args.near.split(","))
            except ValueError as exc:
                raise UsageError("--near LAT,LON, e.g. 35.70,51.40") from exc
            near = GeoPoint(lat, lon)
        listed = registry.list_offices(OfficeQuery(args.city, day, near, args.within))
        lines = [w.say("offices.header", city=args.city, day=day_text(day))]
        for a in listed:
            o = a.office
            if not a.open:
                lines.append("  " + w.say("offices.closed", id=o.office_id, name=o.name))
                continue
            distance = (w.say("offices.km", km=f"{a.distance_km:.1f}")
                        if a.distance_km is not None else "")
            lines.append("  " + w.say("offices.line", id=o.office_id, name=o.name,
                                      free=a.free_places, capacity=o.daily_capacity,
                                      distance=distance, address=o.address))
        if not listed:
            lines.append(w.say("offices.none"))
        emit(args, {"day": day, "offices": listed}, *lines)
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_book(args: argparse.Namespace) -> int:
    w = words()
    registry = _citizen(args)
    try:
        ref = ApplicationRef(args.national_code, args.tracking_code)
        hold = registry.hold_slot(HoldRequest(ref, args.office, args.day))
        paid = _pay(registry, ref, PaymentPurpose.BOOKING, args)
        failed = _paid_or_say(paid)
        if failed is not None:
            emit(args, {"hold": hold, "payment": paid})
            return failed
        status = registry.application(ref)
        emit(args, {"application": status, "payment": paid},
             w.say("booked", office=args.office, day=day_text(args.day),
                   amount=paid.amount_rial, bank=paid.bank_reference or "?"))
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_recover(args: argparse.Namespace) -> int:
    registry = _citizen(args)
    try:
        found = registry.recover_tracking_code(RecoveryRequest(args.national_code,
                                                               args.birth_date))
        emit(args, {"recovered": found},
             words().say("recovered", code=_grouped_code(found.tracking_code),
                         status=words().say(found.status)))
        return EXIT_OK
    finally:
        registry.close()


@registry_command
def cmd_status(args: argparse.Namespace) -> int:
    w = words()
    registry = _citizen(args)
    try:
        view = registry.application(ApplicationRef(args.national_code, args.tracking_code))
        lines = [w.say("status.line", id=view.application_id, status=w.say(view.status)),
                 f"  {grouped(args.national_code)} · "
                 f"{_kind_text(view.kind, view.duplicate_number)}"]
        if view.appointment is not None:
            a = view.appointment
            lines.append("  " + w.say("status.appointment", office=a.office_id,
                                      day=day_text(a.day), state=w.say(a.state)))
        if view.booking_deadline and view.status.value == "registered":
            lines.append("  " + w.say("book_by", day=day_text(view.booking_deadline)))
        if view.rebooking_from:
            lines.append("  " + w.say("status.rebook_from", day=day_text(view.rebooking_from)))
        if view.card_serial and view.collect_by:
            lines.append("  " + w.say("status.card", serial=view.card_serial,
                                      day=day_text(view.collect_by)))
        emit(args, {"application": view}, *lines)
        return EXIT_OK
    finally:
        registry.close()
