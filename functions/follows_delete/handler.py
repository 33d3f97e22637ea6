"""DELETE /v1/users/{username}/follow"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("follows_delete")
