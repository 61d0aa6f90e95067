"""The management cadence (SPEC.md §4): CRM discipline, the coaching log, weekly priorities,
the Monday sales meeting and salesperson reviews, each filled from the data, kept as a record,
printable and sent on schedule (docs/cadence.md). Above analytics and forecasting, whose figures
it reads; every write goes through this package's services."""
