"""Planning (SPEC.md §3): the capacity and hiring plan, tied to the real team and tracked
against what happened. Above analytics, beside the cadence; every write goes through
`services`."""
