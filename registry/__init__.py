"""The card's life before the kiosk: registration, payment, appointments, status.

No Kivy and no pyscard here. The faces (kiosk, office app, command line) reach all of it
through :class:`registry.service.RegistryService`; storage lives in ``registry.storage``.
"""
