"""Engagement: ratings, views, copies, bookmarks and forks. Counting happens downstream."""
