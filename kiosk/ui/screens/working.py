from __future__ import annotations

from kiosk.ui.present import View
from kiosk.ui.screens import KioskScreen
from kiosk.ui.widgets import DirBox, Dot, Txt


class WorkingScreen(KioskScreen):
    def show(self, view: View) -> None:
        super().show(view)
        steps = self.ids.steps
        steps.clear_widgets()
        for step in view.data.get("steps", []):
            row = DirBox(rtl=self.app.lang == "fa",
                                           size_hint_y=None, height=36, spacing=14)
            row.add_widget(Dot(state=step["status"]))
            label = Txt(text=step["text"], font_size=22 * self.app.font_scale)
            if step["status"] == "todo":
                label.color = (0.45, 0.5, 0.55, 1)
            row.add_widget(label)
            steps.add_widget(row)
        steps.height = 44 * len(view.data.get("steps", []))
