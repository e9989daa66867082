"""Twofold: the balance between depending on each other and staying yourself."""

__version__ = "0.1.0"
