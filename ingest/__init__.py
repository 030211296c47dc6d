"""Turns files into cleaned documents and paragraphs with stable ids (no store access here)."""
