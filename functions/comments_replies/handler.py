"""GET /v1/comments/{id}/replies"""

from promptvault.web.entry import entry

handler = entry("comments_replies")
