"""The floors the benchmark measures the app against, each served by the same gunicorn configuration
(``gunicorn.conf.py``) in the same run, on the same database:

- ``hello``: a bare Flask app answering a short text (the floor of the front page);
- ``one_row``: bare Flask-SQLAlchemy reading one volunteer row by its id and tenant and answering
  it as JSON (the floor of the volunteer page, web and API);
- ``list``: bare Flask-SQLAlchemy reading 50 volunteer rows of one tenant and rendering them with
  Jinja into a page of about the app's size: a layout with a header, a table with a link per row
  (the floor of the volunteer lists, web and API).

- ``signed_in``: the app itself (``core.create_app()``) with two pages of its own that do nothing:
  ``/<tenant>/bench/answer`` answers "ok" and ``/<tenant>/bench/page`` the layout with an empty
  content block, both only to a signed-in member of the tenant. Not a floor the targets are set
  against but a reference: what every signed-in page pays before it shows anything (the server-side
  session, the user, tenant and membership, the tenant scope, the audit, the security headers; and
  the layout's header, menu and language form), so that a page's own cost can be read off.

Serve one with ``gunicorn -c gunicorn.conf.py 'bench.floors:create_app("list")'``; the database is
``DATABASE_URL`` (the benchmark's copy of the demo data).
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, abort, jsonify, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Date, Integer, String, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

KINDS = ("hello", "one_row", "list", "signed_in")
LIST_ROWS = 50


class _Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=_Base)


class Volunteer(db.Model):
    """The app's ``volunteer`` table, as much of it as the floors read."""

    __tablename__ = "volunteer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tenant_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String)
    email: Mapped[str | None] = mapped_column(String)
    status: Mapped[str] = mapped_column(String)
    recruitment_channel: Mapped[str | None] = mapped_column(String)
    capacity: Mapped[int] = mapped_column(Integer)
    recruited_on: Mapped[object] = mapped_column(Date)


def create_app(kind: str = "hello", database_url: str | None = None) -> Flask:
    if kind not in KINDS:
        raise ValueError(f"unknown floor {kind!r}; one of {', '.join(KINDS)}")
    if kind == "signed_in":
        return _signed_in_app(database_url)
    app = Flask(__name__, template_folder=str(Path(__file__).resolve().parent / "templates"))

    if kind == "hello":
        @app.route("/")
        def hello():
            return "Hello, World!"

        return app

    app.config["SQLALCHEMY_DATABASE_URI"] = database_url or os.environ["DATABASE_URL"]
    db.init_app(app)

    if kind == "one_row":
        @app.route("/<int:tenant_id>/volunteers/<int:volunteer_id>")
        def one_row(tenant_id: int, volunteer_id: int):
            _enter_tenant(tenant_id)
            volunteer = db.session.scalar(select(Volunteer).where(Volunteer.id == volunteer_id,
                                                                  Volunteer.tenant_id == tenant_id))
            if volunteer is None:
                abort(404)
            return jsonify(id=volunteer.id, name=volunteer.name, email=volunteer.email, status=volunteer.status,
                           capacity=volunteer.capacity, recruited_on=volunteer.recruited_on.isoformat())
    else:
        @app.route("/<int:tenant_id>/volunteers/")
        def volunteer_list(tenant_id: int):
            _enter_tenant(tenant_id)
            rows = db.session.scalars(select(Volunteer).where(Volunteer.tenant_id == tenant_id)
                                      .order_by(Volunteer.name, Volunteer.id).limit(LIST_ROWS)).all()
            return render_template("floor_list.html", rows=rows, tenant_id=tenant_id)

    return app


def _signed_in_app(database_url: str | None) -> Flask:
    from flask import render_template_string

    from core import create_app as create_mentorkorps
    from core.access import members

    app = create_mentorkorps({"SQLALCHEMY_DATABASE_URI": database_url} if database_url else None)

    @app.route("/<tenant>/bench/answer")
    @members()
    def signed_in_answer():
        return "ok"

    empty_page = app.jinja_env.from_string('{% extends "layout.html" %}{% block content %}{% endblock %}')

    @app.route("/<tenant>/bench/page")
    @members()
    def signed_in_page():
        from flask import render_template

        return render_template(empty_page)

    return app


def _enter_tenant(tenant_id: int) -> None:
    """On PostgreSQL the app's tables have row-level security on the transaction's ``app.tenant_id``
    (core.tenancy): the floor sets it as the app does, one statement per transaction."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT set_config('app.tenant_id', :tenant, true)"), {"tenant": str(tenant_id)})
