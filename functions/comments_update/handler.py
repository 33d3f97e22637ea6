"""PATCH /v1/comments/{id}"""

from promptvault.web.entry import entry

handler = entry("comments_update")
