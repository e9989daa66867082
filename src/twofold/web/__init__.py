"""Twofold's web app: couples take the assessment privately and see where they stand.

A Django project (settings in ``config/``) with one app per domain concept: ``accounts``,
``couples``, ``assessments``. It scores through :mod:`twofold.core` and never computes a score
of its own.
"""
