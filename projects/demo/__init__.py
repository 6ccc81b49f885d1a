"""The bilingual Shandong demo dataset (interchange CSVs in `data/`) and its lead generator.

`generate.py` is pure Python (stdlib only, no Django): it writes the illustrative
region x industry table and produces reproducible incoming leads. See README.md for what is
taken from the source article and what is illustrative.
"""
