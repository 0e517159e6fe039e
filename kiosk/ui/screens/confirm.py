from __future__ import annotations

from kiosk.ui.screens import KioskScreen


class ConfirmScreen(KioskScreen):
    """What a service will do and cost, before anything is asked."""
