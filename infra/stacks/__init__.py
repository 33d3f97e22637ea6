"""One stack per concern; infra/app.py wires them per stage."""
