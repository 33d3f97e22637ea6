"""DELETE /v1/workspaces/{id}/invitations/{invitationId}"""

from promptvault.web.entry import entry

handler = entry("workspaces_invitations_revoke")
