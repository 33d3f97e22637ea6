"""PATCH /v1/users/me"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("users_me_update")
