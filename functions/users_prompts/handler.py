"""GET /v1/users/{username}/prompts"""

from promptvault.web.entry import entry

handler = entry("users_prompts")
