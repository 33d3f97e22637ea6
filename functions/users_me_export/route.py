from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.imports import formats
from promptvault.imports.service import export_file
from promptvault.web.responses import Endpoint, attachment


def export_mine(
    format: Annotated[
        formats.ExportFormat,
        Query(description="json carries every version and label; the others the current ones"),
    ] = "json",
) -> Response[str]:
    """Every prompt the caller owns, as a file to save (not the envelope), that the matching
    import format reads back: json as langfuse-json, csv as prompts-chat-csv, yaml as
    prompt-yml, markdown as markdown. Over 5 MB it is refused (422), never cut short."""
    text, media_type, filename = export_file(require_caller(), format)
    return attachment(text, media_type, filename)


endpoint = Endpoint(export_mine, None, errors=(401,), files=tuple(formats.MEDIA_TYPES.values()))
