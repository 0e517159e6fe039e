"""What the kiosk says when its registry is the network service and something goes wrong:
the service unreachable reads as the registry unreachable, a request still at work as
busy, and the service's own refusals (device, operator, office) each in their words."""

from __future__ import annotations

import pytest

from kiosk.ui.desk.views import trouble
from kiosk.ui.words import UiWords
from registry.service_errors import (
    AccessDenied,
    AccessRefusal,
    AlreadyApplied,
    RequestInProgress,
    ServiceUnavailable,
)

LANGS = ["fa", "en"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("cause", ["timeout", "connection", "tls", "protocol", "http-502"])
def test_the_service_unreachable_is_the_registry_unreachable(lang: str, cause: str) -> None:
    w = UiWords(lang)  # type: ignore[arg-type]
    assert trouble(w, ServiceUnavailable("registry", "register", cause)) == (
        w.say("trouble.unavailable"), w.say("trouble.unavailable_body"), "bad")


@pytest.mark.parametrize("lang", LANGS)
def test_a_request_still_at_work_is_busy(lang: str) -> None:
    w = UiWords(lang)  # type: ignore[arg-type]
    assert trouble(w, RequestInProgress(0.5)) == (w.say("trouble.busy"),
                                                   w.say("trouble.busy_body"), "warn")


@pytest.mark.parametrize("lang", LANGS)
def test_the_services_refusals_are_worded_by_reason(lang: str) -> None:
    w = UiWords(lang)  # type: ignore[arg-type]
    said = {reason: trouble(w, AccessDenied(reason)) for reason in AccessRefusal}
    assert {title for title, _, _ in said.values()} == {w.say("trouble.refused")}
    assert {tone for _, _, tone in said.values()} == {"warn"}
    for reason in (AccessRefusal.OPERATOR_REQUIRED, AccessRefusal.SESSION_INVALID,
                   AccessRefusal.MANAGER_REQUIRED, AccessRefusal.OTHER_OFFICE):
        assert said[reason][1] == w.say(f"refused.access.{reason.name}")
    assert said[AccessRefusal.DEVICE_REVOKED][1] == w.say("refused.access.other")
    bodies = [body for _, body, _ in said.values()]
    assert w.say("refused.other") not in bodies and len(set(bodies)) == 5
    assert trouble(w, AlreadyApplied("decide"))[1] == w.say("refused.already")


def test_persian_and_english_say_different_things() -> None:
    fa, en = UiWords("fa"), UiWords("en")
    for reason in AccessRefusal:
        assert trouble(fa, AccessDenied(reason))[1] != trouble(en, AccessDenied(reason))[1]
