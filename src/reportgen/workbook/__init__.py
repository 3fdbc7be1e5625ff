"""The Excel workbook in and out: the only home of openpyxl and python-calamine."""
