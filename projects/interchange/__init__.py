"""The leads part of the interchange, and the bundle (reference tables + leads) as a whole.

The reference tables, the cell format and the readers are regions.interchange's; this package
adds the leads table (`lead_format`, `lead_rows`, `leads`, `lead_writers`, `leads_copy`) and
the two entry points over the whole bundle, `importer.import_bundle` and
`export.export_bundle`. The format is described in docs/data-format.md.
"""
