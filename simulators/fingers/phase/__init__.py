"""The phase-model finger family: minutiae placed first, ridges reconstructed through them
(AM-FM phase, after Larkin and Fletcher, Feng and Jain, Zhao et al.), rendered by a
contact model of its own. Independent of the Gabor-grown family: own seeds, own flow,
own touch model.
"""

from simulators.fingers.phase.master import PhaseFinger, TrueMinutia, build_phase_finger

__all__ = ["PhaseFinger", "TrueMinutia", "build_phase_finger"]
