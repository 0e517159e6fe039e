"""The card's life before the kiosk: eligibility, fees, forms, tracking, lifecycle.

Pure rules here (no database, no I/O, no clock read directly): ``clock`` (the one
injectable source of time), ``errors`` (one exception tree), ``eligibility``,
``fees`` and ``fee_schedules`` (fees as dated data, receipts in rial), ``tracking``
(codes with a check digit), ``forms`` and ``captcha`` (pre-registration), ``lifecycle``
(statuses, transitions, deadlines). Storage, appointments, payments and the service
build on them. The library returns data, never sentences: faces word the enums.
"""
