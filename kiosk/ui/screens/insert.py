from __future__ import annotations

from kiosk.ui.screens import KioskScreen


class InsertScreen(KioskScreen):
    pass
