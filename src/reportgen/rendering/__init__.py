"""The report model → a .docx through the template: the only home of docxtpl and Jinja."""
