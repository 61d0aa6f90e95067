"""Revsight: the sales leader's cockpit for predictable revenue."""

__version__ = "0.1.0"
