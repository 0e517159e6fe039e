"""The mother's name in DG1: kept when the card has it, absent on older cards."""

import dataclasses

from apdu import datagroups
from simulators.personas import generate_persona


def test_mother_name_round_trips_and_is_optional():
    identity = generate_persona(5).identity
    assert identity.mother_name
    assert datagroups.decode_identity(datagroups.encode_identity(identity)) == identity
    older = dataclasses.replace(identity, mother_name="")
    encoded = datagroups.encode_identity(older)
    assert b"\x5f\x0a" not in encoded
    assert datagroups.decode_identity(encoded).mother_name == ""
