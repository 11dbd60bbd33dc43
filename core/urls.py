"""``url_for`` for templates, built once per link shape instead of once per link.

A page links to the same few endpoints again and again: a list of 50 volunteers builds
``url_for('volunteers.show', volunteer_id=v.id)`` 50 times, and each build walks Flask's and
werkzeug's machinery (the URL defaults that add the tenant, the rule's converters, quoting): about
30 µs each, a millisecond or more per list page. Here a link is built once per *shape*: the endpoint,
the names of its arguments, the values of those that are not whole numbers, and what the request
adds to every link (the script root and the tenant's slug, which ``core.create_app``'s URL defaults
fill in). Whole-number arguments (row ids, page numbers) are built once with a marker number in
their place and afterwards written into the built text, exactly as werkzeug writes them
(``str(n)``, in the path or the query string alike). Anything unusual (``_external``, ``_anchor``,
``_method``, ``_scheme``, a blueprint-relative ``.endpoint``, no request) goes to Flask's own
``url_for``.

The memo holds URLs, never data: a shape's text is the same for every request that has the same
script root and tenant, and the memo lives as long as the app (each worker has its own; the routes
do not change once the app serves).
"""
from __future__ import annotations

from flask import Flask, current_app
from flask.globals import _cv_request

from core.tenancy import current_tenant

_MEMO_LIMIT = 4096
# Marker numbers put in place of whole-number arguments while a shape is built: within the range of
# an id, and long enough that nothing else in a URL (a slug, a code) repeats them by chance (a built
# URL that does, is not memoized).
_MARKER = 2147000000


def install(app: Flask) -> None:
    """Templates call :func:`url_for` below instead of Flask's."""
    app.extensions["mentorkorps_urls"] = {}
    app.jinja_env.globals["url_for"] = url_for


def url_for(endpoint: str, **values) -> str:
    """Flask's ``url_for``, with the built URL kept per shape (see the module's docstring); for
    templates (installed as their ``url_for``) and for Python code that builds many links."""
    request_context = _cv_request.get(None)  # Flask's context variable: no proxy walk per link
    if request_context is None:
        return current_app.url_for(endpoint, **values)
    app = request_context.app
    flask_url_for = app.url_for
    memo = app.extensions.get("mentorkorps_urls")
    if memo is None or endpoint[:1] == ".":
        return flask_url_for(endpoint, **values)
    numbers = []
    for name, value in values.items():
        if name[:1] == "_":
            return flask_url_for(endpoint, **values)
        if type(value) is int:
            numbers.append(name)
    tenant = current_tenant()
    shape = (tuple(sorted((k, None if k in numbers else v) for k, v in values.items())) if len(values) > 1
             else tuple((k, None if numbers else v) for k, v in values.items()))
    key = (endpoint, request_context.request.script_root, tenant.slug if tenant is not None else None, shape)
    try:
        parts = memo.get(key)
    except TypeError:  # an unhashable value: not a shape
        return flask_url_for(endpoint, **values)
    if parts is None:
        parts = _shape(flask_url_for, endpoint, values, numbers)
        if parts is None:
            return flask_url_for(endpoint, **values)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[key] = parts
    if not numbers:
        return parts
    text, order = parts
    return text.format(*(values[name] for name in order))


def _shape(flask_url_for, endpoint: str, values: dict, numbers: list):
    """The built URL (no whole-number arguments), or ``(format text, argument order)``; ``None`` when
    the markers cannot be told apart from the rest of the URL."""
    if not numbers:
        return flask_url_for(endpoint, **values)
    markers = {name: str(_MARKER + n) for n, name in enumerate(numbers)}
    built = flask_url_for(endpoint, **{**values, **{name: _MARKER + n for n, name in enumerate(numbers)}})
    if "{" in built or "}" in built:
        return None
    positions = []
    for name, marker in markers.items():
        if built.count(marker) != 1:
            return None
        positions.append((built.index(marker), name, marker))
    text, order = built, []
    for _position, name, marker in sorted(positions):
        order.append(name)
    for name, marker in markers.items():
        text = text.replace(marker, "{}")
    return text, tuple(order)
