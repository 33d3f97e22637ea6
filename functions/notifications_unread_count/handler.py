"""GET /v1/users/me/notifications/unread-count"""

from promptvault.web.entry import entry

handler = entry("notifications_unread_count")
