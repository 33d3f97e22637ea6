"""GET /v1/workspaces/{id}/members"""

from promptvault.web.entry import entry

handler = entry("workspaces_members")
