"""Image instructions: capture (GenImg, GetImageEx), transfer (UpImage, DownImage), Img2Tz.

GenImg reads the glass and leaves the character buffers alone: an enrolment's first
touch stays in CharBuffer1 while the second is captured.
"""

from __future__ import annotations

from biometric.sensor.constants import ConfirmationCode, Instruction
from biometric.sensor.image import IMAGE_BYTES, pack_image, quantize
from simulators.sensor.glass import TouchKind
from simulators.sensor.state import Answer, Download, Handler, ModuleState, Target, refuse

OK = ConfirmationCode.OK


def gen_img(s: ModuleState, params: bytes) -> Answer:
    """00 image taken, 02 no finger, 03 a touch the module could not image."""
    if params:
        return refuse()
    touch = s.glass.touch()
    s.matched = False
    if touch.kind is TouchKind.IMAGE and touch.image is not None:
        s.image = quantize(touch.image)
        return Answer(OK)
    s.image = None
    if touch.kind is TouchKind.POOR:
        return refuse(ConfirmationCode.IMAGE_FAIL)
    return refuse(ConfirmationCode.NO_FINGER)


def get_image_ex(s: ModuleState, params: bytes) -> Answer:
    """GenImg that also refuses a poor image (R503): 07 "image quality too poor"."""
    answer = gen_img(s, params)
    if answer.code == OK and s.image is not None and s.quality(s.image) != OK:
        s.image = None
        return refuse(ConfirmationCode.TOO_FEW_FEATURES)
    return answer


def up_image(s: ModuleState, params: bytes) -> Answer:
    """00 and the image in data packets; 0F (the manual's only failure) with no image."""
    if params:
        return refuse()
    if s.image is None:
        return refuse(ConfirmationCode.IMAGE_UPLOAD_FAIL)
    return Answer(OK, data=pack_image(s.image))


def down_image(s: ModuleState, params: bytes) -> Answer:
    """00, then the host's data packets fill the image buffer (36,864 bytes)."""
    if params:
        return refuse()
    s.download = Download(Target.IMAGE_BUFFER, IMAGE_BYTES)
    return Answer(OK)


def img_2_tz(s: ModuleState, params: bytes) -> Answer:
    """00 into the buffer, 06 disorderly, 07 too few features, 15 no image to convert."""
    if len(params) != 1:
        return refuse()
    if s.image is None:
        return refuse(ConfirmationCode.NO_VALID_IMAGE)
    code = int(s.quality(s.image))
    if code == OK:
        s.buffers.put_image(params[0], s.image)
    return Answer(code)


HANDLERS: dict[int, Handler] = {
    Instruction.GEN_IMG: gen_img,
    Instruction.GET_IMAGE_EX: get_image_ex,
    Instruction.UP_IMAGE: up_image,
    Instruction.DOWN_IMAGE: down_image,
    Instruction.IMG_2_TZ: img_2_tz,
}
