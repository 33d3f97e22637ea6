"""DELETE /v1/prompts/{id}/shares/{shareId}"""

from promptvault.web.entry import entry

handler = entry("shares_revoke")
