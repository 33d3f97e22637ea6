"""PromptVault's Python SDK: ``PromptVault(base_url, api_key).get_prompt(id).compile(...)``."""

from promptvault_sdk.client import AsyncPromptVault, PromptVault
from promptvault_sdk.errors import APIError, CompileError, PromptVaultError, Unreachable
from promptvault_sdk.models import (
    Import,
    ImportCounts,
    ImportRow,
    Label,
    Message,
    Prompt,
    Rendered,
    Variable,
)

__all__ = [
    "APIError",
    "AsyncPromptVault",
    "CompileError",
    "Import",
    "ImportCounts",
    "ImportRow",
    "Label",
    "Message",
    "Prompt",
    "PromptVault",
    "PromptVaultError",
    "Rendered",
    "Unreachable",
    "Variable",
]
__version__ = "0.1.0"
