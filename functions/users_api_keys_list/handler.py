"""GET /v1/users/me/api-keys"""

from promptvault.web.entry import entry

handler = entry("users_api_keys_list")
