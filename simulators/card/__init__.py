"""The simulated national ID chip."""

from simulators.card.chip import SimulatedChip
from simulators.card.image import CardImage, CardImageError
from simulators.card.store import CardStore, PowerLoss

__all__ = ["CardImage", "CardImageError", "CardStore", "PowerLoss", "SimulatedChip"]
