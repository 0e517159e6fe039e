import json

import pytest

from simulators.card import CardImageError, CardStore, PowerLoss
from simulators.card.image import CardImage


def test_commit_is_atomic_and_reload_reads_back(tmp_path, cards):
    path = cards.file(5)
    store = CardStore.open(path)
    store.image.counters["probe"] = 7
    store.commit("probe")
    assert json.loads(path.read_text())["counters"]["probe"] == 7
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]
    store.image.counters["probe"] = 8  # not committed
    store.reload()
    assert store.image.counters["probe"] == 7


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
