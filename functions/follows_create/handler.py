"""PUT /v1/users/{username}/follow"""

from promptvault.web.entry import entry

handler = entry("follows_create")
