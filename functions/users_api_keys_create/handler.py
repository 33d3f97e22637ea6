"""POST /v1/users/me/api-keys"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("users_api_keys_create")
