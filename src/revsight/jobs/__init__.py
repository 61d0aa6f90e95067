"""Background work: jobs run by `revsight worker` on the huey queue (docs/jobs.md).

Domain packages define their kinds of job in a `tasks` module (`services.define`); the jobs app
finds those modules when Django starts, so every process knows every kind.
"""
