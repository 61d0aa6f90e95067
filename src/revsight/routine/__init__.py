"""The organisation's routine, run by the worker: schedules in the organisation's time zone
(the weekly pipeline snapshot, forecast reminders, the data-freshness check), the watched import
folder, emails to people (with their opt-outs) and pre-warming the pages after a data change
(docs/jobs.md)."""
