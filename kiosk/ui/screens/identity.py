from __future__ import annotations

import io

from kivy.core.image import Image as CoreImage

from apdu.client import IdentityReading
from kiosk.text import digits, jalali_date, national_code, plain_code
from kiosk.ui.present import View, authenticity_lines
from kiosk.ui.screens import KioskScreen
from kiosk.ui.theme import COLOURS
from kiosk.ui.widgets import DirBox, Txt


class IdentityScreen(KioskScreen):
    """The holder's identity under its verdict; a card that is not genuine shows no data."""

    def show(self, view: View) -> None:
        super().show(view)
        reading: IdentityReading = view.data["reading"]
        w = self.app.words
        fields = self.ids.fields
        fields.clear_widgets()
        self.ids.photo.texture = None
        genuine = reading.contents is not None
        self.ids.good.shown = genuine
        self.ids.bad.shown = not genuine
        if not genuine:
            self.ids.reasons.text = "\n".join(
                f"• {line}" for line in authenticity_lines(w, reading.authenticity))
            return
        contents = reading.contents
        assert contents is not None
        who = contents.identity
        lang = w.lang
        rows = [
            ("label.name", f"{who.given_name} {who.surname}"),
            ("label.father_name", who.father_name),
            ("label.national_code", national_code(who.national_code, lang)),
            ("label.birth_date", jalali_date(who.birth_date, lang)),
            ("label.card_serial", plain_code(who.card_serial, lang)),
            ("label.expiry_date", jalali_date(who.expiry_date, lang)),
            ("label.lifecycle", w.say(f"lifecycle.{contents.lifecycle.name}")),
        ]
        for key, value in rows:
            row = DirBox(rtl=lang == "fa", size_hint_y=None,
                            height=46 * self.app.font_scale, spacing=16)
            row.add_widget(Txt(text=w.say(key), color=COLOURS["muted"], size_hint_x=.38,
                               font_size=20 * self.app.font_scale))
            value_label = Txt(text=value, font_name="VazirmatnMedium", size_hint_x=.62,
                              font_size=22 * self.app.font_scale)
            row.add_widget(value_label)
            fields.add_widget(row)
        fields.height = sum(child.height for child in fields.children) + 8 * len(rows)
        if contents.photo_jpeg:
            image = CoreImage(io.BytesIO(contents.photo_jpeg), ext="jpg")
            self.ids.photo.texture = image.texture
        self.ids.verdict_detail.text = w.say("identity.genuine_detail")
        _ = digits  # digits come formatted by kiosk.text

    def leave(self) -> None:
        """No identity, photo or reason stays in a widget once the screen is left."""
        self.ids.fields.clear_widgets()
        self.ids.photo.texture = None
        self.ids.reasons.text = ""
        self.view = View("none")
