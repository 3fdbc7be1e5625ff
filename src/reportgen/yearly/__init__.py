"""From year to year: import last year's document, carry the workbook forward, diff two versions."""
