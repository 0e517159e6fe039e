"""biometric package."""
