"""DELETE /v1/users/me/api-keys/{id}"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("users_api_keys_revoke")
