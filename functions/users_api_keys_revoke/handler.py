"""DELETE /v1/users/me/api-keys/{id}"""

from promptvault.web.entry import entry

handler = entry("users_api_keys_revoke")
