from __future__ import annotations

from kiosk.ui.screens import KioskScreen


class OutcomeScreen(KioskScreen):
    """How the service ended and what to do next; back to the services or finish."""
