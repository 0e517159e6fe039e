from __future__ import annotations

from typing import Any

from kiosk.ui.present import View
from kiosk.ui.screens import KioskScreen


class AttractScreen(KioskScreen):
    def on_touch_up(self, touch: Any) -> bool:
        if super().on_touch_up(touch):
            return True
        if self.collide_point(*touch.pos) and self.manager.current == self.name:
            self.session._show(View("insert"))
            return True
        return False
