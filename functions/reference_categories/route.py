from aws_lambda_powertools.event_handler import Response

from promptvault.reference.schemas import CategoryOut
from promptvault.tags import service
from promptvault.web.responses import Endpoint, ok


def list_categories() -> Response[str]:
    """The categories, each with its count of public, published prompts (a few minutes
    behind: kept from the table's stream, cacheable)."""
    out = [CategoryOut(**category) for category in service.categories_with_counts()]
    return ok(out, headers={"Cache-Control": "public, max-age=300"})


endpoint = Endpoint(list_categories, list[CategoryOut])
