"""Importing and exporting the reference data and leads as CSV files or an .xlsx workbook.

The format is described in docs/data-format.md and, column by column, in `formats.py`.
"""
