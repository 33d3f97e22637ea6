"""PromptVault's shared domain package, shipped to every function as a Lambda layer.

Kept empty on purpose: importing ``promptvault`` must cost nothing at cold start.
"""
