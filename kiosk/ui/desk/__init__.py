"""The kiosk's registration services and its office mode: what they hold and show.

Kivy-free, like :mod:`kiosk.ui.present`. A desk keeps the state of one errand (a
citizen's pre-registration, a booking, an operator's completion...), calls the
registry through :class:`registry.service.RegistryService` on the kiosk's worker (never
on the UI thread), and shows each step as a :class:`~kiosk.ui.present.View` the
generic screens draw (``form``, ``choices``, ``sheet``, ``fingers``, ``receipt``).
Screens send back actions (a button's name, a key) and nothing else. The rules are the
registry's: forms are checked by ``registry.forms``, eligibility by
``registry.eligibility``, fees come from the dated fee book, moves from the lifecycle.
"""
