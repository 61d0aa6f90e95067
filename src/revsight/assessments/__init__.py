"""Assessments (SPEC.md §5): the sales-management self-assessment with scores suggested from the
data, the recruiting scorecard and the annual sales plan worksheet (docs/assessments.md). Above
planning and the cadence, whose records the suggestions read; every write goes through this
package's services."""
