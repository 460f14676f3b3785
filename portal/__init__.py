"""The steward portal (``sakip portal serve``): a small server-rendered web application in Indonesian.

A unit's steward logs in, sees their unit's months and latest report, downloads pre-filled templates
and uploads a workbook: the collection's own checks (``flows.intake``) answer in seconds with every
problem, and an accepted file is placed in the unit's inbox folder for the next collection. The
centre sees every unit's completeness and the latest problems. See docs/decisions.md ("Steward
portal") for the choices: inbox rather than collecting at once, password hashing, sessions, lockout.

Modules: ``settings`` (SAKIP_PORTAL_*), ``auth`` (accounts, passwords, sessions, CSRF, lockout, the
audit), ``status`` (what the pages show, read from the warehouse views), ``upload`` (checking and
placing a workbook), ``app`` (the Starlette routes), ``templates/`` and ``static/``.
"""
