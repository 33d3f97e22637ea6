"""PUT /v1/comments/{id}/like"""

from promptvault.web.entry import entry

handler = entry("comments_like")
