"""POST /v1/workspaces/{id}/invitations"""

from promptvault.web.entry import entry

handler = entry("workspaces_invitations_create")
