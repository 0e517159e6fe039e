"""apdu package."""
