"""Checking a Word document or a template folder against GB/T 9704 and its schema (格式检查)."""
