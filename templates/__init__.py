"""Built-in templates, each a folder of data (template.docx + schema.toml)."""
