from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.collections import service
from promptvault.collections.schemas import CollectionDetail
from promptvault.collections.views import collection_detail
from promptvault.core.caller import current_caller
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok


def get_collection(
    id: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """A collection and a page of its prompts in its order: only the prompts you may see
    (a page may be short while ``meta.hasMore`` is true). A private collection is its
    owner's alone."""
    viewer = current_caller()
    collection, shown, meta = service.read_collection(viewer, id, cursor, limit)
    return ok(collection_detail(collection, shown, viewer), meta=meta)


endpoint = Endpoint(get_collection, CollectionDetail, errors=(400, 404))
