"""Excel workbooks: the xlsx toolkit, and one module per workbook the portal writes or reads."""
