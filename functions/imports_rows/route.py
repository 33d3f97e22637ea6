from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import require_caller
from promptvault.imports import service
from promptvault.imports.schemas import ImportRowOut, RowStatus
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok


def import_rows(
    id: str,
    status: Annotated[RowStatus | None, Query(description="Only the rows of this outcome")] = None,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Each row's outcome: the prompt it made (created) or found (skipped), or why it was
    rejected; ordered by outcome, then row number. Empty until the import is done."""
    rows, meta = service.import_rows(require_caller(), id, status, cursor, limit)
    return ok(rows, meta=meta)


endpoint = Endpoint(import_rows, list[ImportRowOut], errors=(401, 404))
