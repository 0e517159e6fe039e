from __future__ import annotations

from kiosk.ui.screens import KioskScreen


class FingerScreen(KioskScreen):
    """Live guidance from the flow's capture step, the card's tries, Retry after a miss."""
