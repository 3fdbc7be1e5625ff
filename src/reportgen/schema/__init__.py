"""A template folder as data: its schema.toml read, checked and described."""
