"""Capture feedback: what the person at the sensor should do next.

Not a wire value of the module: the driver derives it from the confirmation codes of
GenImg and Img2Tz, the way python-fido2's ``FEEDBACK`` tells a UI what to say.
"""

from __future__ import annotations

from enum import IntEnum, unique


@unique
class Feedback(IntEnum):
    """Progress of a capture, reported through ``on_feedback`` when it changes."""

    GOOD = 0x00  # image taken and accepted; the upload follows
    NO_FINGER = 0x01  # GenImg 0x02: nothing on the glass
    POOR_IMAGE = 0x02  # GenImg 0x03: the module could not take an image (wet, dry, light)
    LIFT_AND_PLACE = 0x03  # Img2Tz 0x06: smeared or moving finger
    PLACE_AGAIN = 0x04  # Img2Tz 0x07: too little of the finger touched the glass

    def __str__(self) -> str:
        return f"0x{self.value:02X} - {self.name}"
