"""``nidkiosk registry serve``: the registry as an HTTP service over PostgreSQL.

Stateless processes: everything they share (devices and their revocations, operator
sessions, sign-in challenges, idempotency keys, rate-limit windows, the registry's own
rows, the simulated bank's book) is in the database, so any number of them serve one
fleet side by side. ``app`` builds the ASGI application (Starlette) from the API table
(``registry.api``); ``run`` serves it with uvicorn on mutual TLS.
"""
