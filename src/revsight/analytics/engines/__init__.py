"""The engines the metrics run on, one module each; `revsight.analytics.engine` keeps the
registry of them."""
