"""LibreOffice kept running (常驻 LibreOffice): workers for parallel and warm PDF conversion."""
