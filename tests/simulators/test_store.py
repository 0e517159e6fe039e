import json

import pytest

from simulators.card import CardImageError, CardStore, PowerLoss
from simulators.card.image import CardImage
from simulators.card.store import SLOT_SIZE, eeprom_path


def test_commit_persists_and_reload_reads_back(tmp_path, cards):
    path = cards.file(5)
    store = CardStore.open(path)
    store.image.counters["probe"] = 7
    store.commit("probe")
    assert CardStore.open(path).image.counters["probe"] == 7
    assert "probe" not in json.loads(path.read_text())["counters"]  # personalization file
    store.image.counters["probe"] = 8  # not committed
    store.reload()
    assert store.image.counters["probe"] == 7


def test_a_write_torn_by_power_loss_leaves_the_previous_state(cards):
    path = cards.file(7)
    store = CardStore.open(path)
    for value in (1, 2, 3):
        store.image.counters["probe"] = value
        store.commit("probe")
    sidecar = eeprom_path(path)
    raw = bytearray(sidecar.read_bytes())
    newest = 3 % 2  # sequence 3 landed in slot 1
    raw[newest * SLOT_SIZE + 40] ^= 0xFF  # the power cut garbled the last write
    sidecar.write_bytes(bytes(raw))
    assert CardStore.open(path).image.counters["probe"] == 2
    raw[(1 - newest) * SLOT_SIZE + 40] ^= 0xFF  # both slots unreadable: factory image
    sidecar.write_bytes(bytes(raw))
    assert "probe" not in CardStore.open(path).image.counters


def test_save_as_image_exports_the_current_state(cards, tmp_path):
    store = CardStore.open(cards.file(8))
    store.image.counters["probe"] = 9
    store.commit("probe")
    out = tmp_path / "export.json"
    store.save_as_image(out)
    assert json.loads(out.read_text())["counters"]["probe"] == 9


def test_power_loss_before_a_write_leaves_the_old_content(cards):
    store = CardStore.open(cards.file(6))
    def cut_before(label):
        if label.endswith(":before"):
            raise PowerLoss(label)

    store.fault_hook = cut_before
    store.image.counters["x"] = 1
    with pytest.raises(PowerLoss):
        store.commit("x")
    store.reload()
    assert "x" not in store.image.counters


@pytest.mark.parametrize("text", ["{}", "not json", '{"format": "nidkiosk-card-image/1"}',
                                  '{"format": "nidkiosk-card-image/1", "files": {"zz": "!"}, '
                                  '"lifecycle": "ACTIVE", "aid": "00", "secrets": {}, '
                                  '"counters": {}}'])
def test_damaged_images_give_a_clear_error(text):
    with pytest.raises(CardImageError):
        CardImage.from_json(text)
