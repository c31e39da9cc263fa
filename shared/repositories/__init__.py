"""Data access behind small repository classes; the key design is in keys.py."""
