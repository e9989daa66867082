"""File exports for researchers: labelled SPSS/Stata files and instrument dictionaries.

Django-free and core-free glue: these modules read :mod:`twofold.core` objects and write files.
"""
