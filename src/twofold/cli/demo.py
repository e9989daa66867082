"""Placeholder until the RBI and its example couple exist."""

from __future__ import annotations
