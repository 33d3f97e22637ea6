"""POST /v1/invitations/{token}/accept"""

from promptvault.web.entry import entry

handler = entry("invitations_accept")
