"""Practices and practitioners: a couples therapist follows client couples, with consent."""
