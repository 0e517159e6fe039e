"""The card's life before the kiosk: eligibility, fees, registration, payment,
appointments, office work, status.

No Kivy and no pyscard here. Pure rules (no database, no I/O, no clock read directly):
``clock`` (the one injectable source of time), ``errors`` (one exception tree),
``eligibility``, ``fees`` and ``fee_schedules`` (fees as dated data, receipts in rial),
``tracking`` (codes with a check digit), ``forms`` and ``captcha`` (pre-registration),
``lifecycle`` (statuses, transitions, deadlines), and for the office ``documents``,
``photo`` (with the ``Camera`` seam), ``fingers``, ``cards`` (the ``CardProducer``
seam), ``notify`` (the ``Notifier`` seam). On them: ``storage`` (SQLAlchemy, Alembic,
SQLite or PostgreSQL), ``appointments``, ``payments``, ``recovery``, ``office``. The faces
(kiosk, office app, command line) reach all of it through
:class:`registry.service.RegistryService`. The library returns data, never sentences.
"""
