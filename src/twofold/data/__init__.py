"""Data shipped with Twofold: the example couple used by ``twofold demo``."""
