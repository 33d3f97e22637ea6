"""One package per Lambda function; each holds ``handler.py`` (entry) and, behind a route,
``route.py``: the function that answers and what it documents (``endpoint = Endpoint(...)``).
The route's method, path, tag and summary are its row in ``promptvault/catalogue.py``."""
