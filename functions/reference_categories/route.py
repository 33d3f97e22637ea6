from aws_lambda_powertools.event_handler import Response

from promptvault.reference import categories
from promptvault.reference.schemas import CategoryOut
from promptvault.web.responses import Endpoint, ok


def list_categories() -> Response[str]:
    return ok(list(categories()), headers={"Cache-Control": "public, max-age=3600"})


endpoint = Endpoint(list_categories, list[CategoryOut])
