"""Workspaces (issue 14): a personal one for everyone, team ones with members and roles."""
