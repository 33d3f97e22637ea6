"""PATCH /v1/users/me"""

from promptvault.web.entry import entry

handler = entry("users_me_update")
