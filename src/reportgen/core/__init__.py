"""Shared ground of every stage: errors, messages, the report model, text and file helpers (standard library only)."""
