"""Workbook data + schema → the report model and every finding at its sheet!cell."""
