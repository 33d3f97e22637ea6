"""DELETE /v1/workspaces/{id}/members/{userId}"""

from promptvault.web.entry import entry

handler = entry("workspaces_member_remove")
