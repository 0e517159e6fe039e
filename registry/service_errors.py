"""The errors of the registry as a network service, under the package's one base.

Raised by the service (``registry.server``) and the client (``registry.remote``) and
carried across the wire like every other registry error (``registry.wire``), so the
faces word them as they word the rest: by their attributes, never by their text.
"""

from __future__ import annotations

from enum import StrEnum

from registry.errors import RegistryError


class AccessRefusal(StrEnum):
    """Why the service refused a caller, before the registry saw the request."""

    NO_CERTIFICATE = "no-certificate"        # no device certificate on the connection
    UNKNOWN_DEVICE = "unknown-device"        # a certificate the registry never issued
    DEVICE_REVOKED = "device-revoked"        # the device's certificate was revoked
    WRONG_ROLE = "wrong-role"                # e.g. a kiosk asking for an office step
    OTHER_OFFICE = "other-office"            # an office device touching another office's work
    OPERATOR_REQUIRED = "operator-required"  # an office step without a signed-in operator
    SESSION_INVALID = "session-invalid"      # the operator's session is unknown or ended
    MANAGER_REQUIRED = "manager-required"    # a decision needs the office manager
    SIGN_IN_FAILED = "sign-in-failed"        # the card's signature or certificate failed
    NOT_AN_OPERATOR = "not-an-operator"      # the card's holder is no operator of this office


class AccessDenied(RegistryError):
    """The caller may not do this; ``reason`` says why."""

    def __init__(self, reason: AccessRefusal) -> None:
        super().__init__(f"access denied: {reason.value}")
        self.reason = reason


class AlreadyApplied(RegistryError):
    """A retried write whose first attempt was applied but whose answer was lost.

    Only after a service process died between committing a step and recording its
    answer; nothing was done twice. Read the current state (``office_record``,
    ``application``) to see the result.
    """

    def __init__(self, operation: str) -> None:
        super().__init__(f"{operation} was already applied under this idempotency key")
        self.operation = operation


class RequestInProgress(RegistryError):
    """The same idempotency key is being worked on right now; retry after ``retry_after`` s."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"a request with this idempotency key is in progress; "
                         f"retry in {retry_after:g} s")
        self.retry_after = retry_after


class ServiceUnavailable(RegistryError):
    """A networked service did not answer: ``service`` names it, ``operation`` what was
    asked, ``cause`` why (``timeout``, ``connection``, ``tls``, ``protocol``, ``http-NNN``).

    Nothing is half-done by the client: a write that may have reached the service is
    repeated with the same idempotency key, so its retry is answered, not done again.
    """

    def __init__(self, service: str, operation: str, cause: str) -> None:
        super().__init__(f"the {service} service is unavailable ({operation}: {cause})")
        self.service = service
        self.operation = operation
        self.cause = cause
