"""Adapters for official statistics: national input-output tables and regional tables.

Pure pandas / numpy (never Django): the management commands `import_io_table` and
`import_region_table` call these readers and do the database writing themselves.

- `iotables`: NBS and BEA input-output tables, industry-by-industry flows, supplier and
  customer shares, the strongest links of each industry.
- `concordance`: mapping a table's sectors onto the project's industries with weights, and a
  draft concordance by code or name match for a person to correct.
- `region_tables`: region x industry tables (long or wide), suppressed cells kept unknown.

Methods and file layouts: docs/real-data.md.
"""
