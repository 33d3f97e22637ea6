"""GET /v1/users/me/prompts"""

from promptvault.web.entry import lazy_entry

handler = lazy_entry("users_me_prompts")
