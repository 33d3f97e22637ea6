from aws_lambda_powertools.event_handler import Response

from promptvault.collections import service
from promptvault.collections.schemas import CollectionOut, CollectionUpdate
from promptvault.collections.views import collection_out
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok


def update_collection(id: str, body: CollectionUpdate) -> Response[str]:
    """Rename, describe, or make public or private your collection."""
    return ok(collection_out(service.update_collection(require_caller(), id, body)))


endpoint = Endpoint(update_collection, CollectionOut, errors=(401, 404))
