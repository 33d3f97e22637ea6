"""Reusable constructs: each one small, each one concern."""
