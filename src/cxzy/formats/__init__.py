"""Adapters for files: JSON Lines in and out (CSV and spreadsheets later)."""
