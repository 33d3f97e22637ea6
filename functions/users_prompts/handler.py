"""GET /v1/users/{username}/prompts"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("users_prompts")
