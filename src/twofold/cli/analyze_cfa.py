"""Placeholder: commands of this analysis family are registered here on ``analyze_app``."""

from __future__ import annotations
