"""GET /v1/users/me/prompts"""

from promptvault.web.entry import entry

handler = entry("users_me_prompts")
