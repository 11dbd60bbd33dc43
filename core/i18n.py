"""Languages: Danish by default, English second; the user's choice is remembered.

The core's catalogue is the ``messages`` domain in ``translations/``; every plugin and municipality
has a domain of its own (named after it, in its own ``translations/`` folder), so two plugins can
never overwrite each other's strings.
"""
from __future__ import annotations

from pathlib import Path

from flask import current_app, has_request_context, request, session
from flask_babel import Domain
from flask_login import current_user


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI, a service called from a script: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(languages) or languages[0]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def plugin_domain(package_file: str, name: str) -> Domain:
    """The translation domain of a plugin package: ``<package>/translations/<lang>/LC_MESSAGES/<name>.po``."""
    return Domain(translation_directories=[str(Path(package_file).resolve().parent / "translations")], domain=name)
