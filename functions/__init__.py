"""One package per Lambda function; each holds ``handler.py`` (entry) and ``route.py`` (route)."""
