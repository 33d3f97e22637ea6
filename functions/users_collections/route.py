from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from promptvault.collections import service
from promptvault.collections.schemas import CollectionOut
from promptvault.collections.views import collection_out
from promptvault.prompts.listing import DEFAULT_LIMIT, MAX_LIMIT
from promptvault.web.responses import Endpoint, ok


def user_collections(
    username: str,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> Response[str]:
    """A person's public collections, newest first."""
    found, meta = service.public_collections_of(username, cursor, limit)
    return ok([collection_out(collection) for collection in found], meta=meta)


endpoint = Endpoint(user_collections, list[CollectionOut], errors=(400, 404))
