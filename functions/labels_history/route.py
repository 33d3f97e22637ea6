from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.core.caller import current_caller
from promptvault.prompts import labels
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.prompts.schemas import LabelMoveOut
from promptvault.web.responses import Endpoint, ok


def label_history(
    id: str,
    label: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """Every move of the label, newest first; a removal has toVersion null."""
    moves, meta = labels.label_history(current_caller(), id, label, cursor, limit)
    out = [
        LabelMoveOut(
            label=m.label,
            from_version=m.from_version,
            to_version=m.to_version,
            moved_by=m.moved_by,
            moved_at=m.moved_at,
        )
        for m in moves
    ]
    return ok(out, meta=meta)


endpoint = Endpoint(label_history, list[LabelMoveOut], errors=(404, 410))
