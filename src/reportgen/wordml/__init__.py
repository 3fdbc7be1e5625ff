"""WordprocessingML helpers shared by rendering and checking (python-docx and lxml)."""
