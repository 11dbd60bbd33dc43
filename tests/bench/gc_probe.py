"""A WSGI app that answers with its worker's garbage-collector settings (for the bench harness test)."""
import gc
import json


def app(environ, start_response):
    body = json.dumps({"threshold": list(gc.get_threshold()), "frozen": gc.get_freeze_count()}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
