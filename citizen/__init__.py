"""Citizen vocabulary shared by the card layer and the registry.

National codes, postal codes, Solar Hijri dates, digits typed in any of the three
scripts people use, and the identity types printed on a national card. No I/O here:
``apdu/`` and ``registry/`` both build on it.
"""
