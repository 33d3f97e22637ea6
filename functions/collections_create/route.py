from aws_lambda_powertools.event_handler import Response

from promptvault.collections import service
from promptvault.collections.schemas import CollectionCreate, CollectionOut
from promptvault.collections.views import collection_out
from promptvault.core.caller import require_caller
from promptvault.web.responses import Endpoint, ok


def create_collection(body: CollectionCreate) -> Response[str]:
    """A new, empty collection of yours (private unless you say public); at most 100."""
    return ok(collection_out(service.create_collection(require_caller(), body)), status=201)


endpoint = Endpoint(create_collection, CollectionOut, 201, errors=(401, 409))
