"""The tenancy mechanism: queries on tenant data are filtered to the tenant in context, new rows get
it, and a query with no tenant in context raises instead of returning every municipality's rows.

The mechanism is tried on the real models and on three test tables of their own metadata (so the
migrated schema is untouched): an unscoped ``Owner`` with scoped ``Item``s, and ``Part``s of items,
to see relationship loads as well as statements.
"""
import pytest
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, delete, func, select, update
from sqlalchemy.orm import DeclarativeBase, Mapped, joinedload, mapped_column, relationship, selectinload

from core.accounts.models import Membership
from core.platform.models import PluginEnablement
from core.tenancy import TenantContextMissing, TenantScoped, current_tenant_id, tenant_context, unscoped


class ScratchBase(DeclarativeBase):
    metadata = MetaData()


# Only for the foreign key of TenantScoped.tenant_id; the real table is the migrated one.
Table("municipality", ScratchBase.metadata, Column("id", Integer, primary_key=True))


class Owner(ScratchBase):
    __tablename__ = "tenancy_test_owner"
    id: Mapped[int] = mapped_column(primary_key=True)
    items: Mapped[list["Item"]] = relationship(back_populates="owner", order_by="Item.id")


class Item(TenantScoped, ScratchBase):
    __tablename__ = "tenancy_test_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("tenancy_test_owner.id"))
    owner: Mapped[Owner | None] = relationship(back_populates="items")
    parts: Mapped[list["Part"]] = relationship(back_populates="item", order_by="Part.id")


class Part(TenantScoped, ScratchBase):
    __tablename__ = "tenancy_test_part"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("tenancy_test_item.id"))
    item: Mapped[Item] = relationship(back_populates="parts")


class EagerOwner(ScratchBase):
    """The owners again, with their items always loaded in the same query (a joined eager load that
    no statement asks for)."""

    __table__ = Owner.__table__
    items: Mapped[list[Item]] = relationship(Item, primaryjoin=Owner.__table__.c.id == Item.owner_id,
                                             foreign_keys=[Item.owner_id], lazy="joined", viewonly=True,
                                             order_by=Item.id)


TEST_TABLES = [ScratchBase.metadata.tables[n] for n in ("tenancy_test_owner", "tenancy_test_item", "tenancy_test_part")]


@pytest.fixture
def tables(db):
    ScratchBase.metadata.create_all(db.engine, tables=TEST_TABLES)
    yield
    db.session.rollback()
    db.session.close()
    ScratchBase.metadata.drop_all(db.engine, tables=TEST_TABLES)


@pytest.fixture
def data(db, tables, tenant, other_tenant):
    """One owner with items in both tenants. A has items a1, a2 (a1 has two parts); B has b1 (one
    part). A part of B is even (wrongly) attached to A's item, to see that relationship loads
    filter too."""
    a, b = tenant, other_tenant
    owner = Owner(id=1)
    db.session.add(owner)
    with tenant_context(a):
        a1, a2 = Item(name="a1", owner=owner), Item(name="a2", owner=owner)
        db.session.add_all([a1, a2, Part(item=a1), Part(item=a1)])
        db.session.flush()
    with tenant_context(b):
        b1 = Item(name="b1", owner=owner)
        db.session.add_all([b1, Part(item=b1)])
        db.session.flush()
    with unscoped():
        db.session.add(Part(item_id=a1.id, tenant_id=b.id))
        db.session.flush()
    db.session.commit()
    forget_test_rows(db)
    return a, b


def forget_test_rows(db):
    """Empty the identity map of test rows, so that every load below goes to the database."""
    for obj in list(db.session):
        if isinstance(obj, (Owner, EagerOwner, Item, Part)):
            db.session.expunge(obj)


def _names(db):
    return sorted(db.session.scalars(select(Item.name)).all())


# ---- no tenant in context -------------------------------------------------------------------

def test_a_query_without_a_tenant_raises(db, data):
    assert current_tenant_id() is None
    statements = {
        "entity": select(Item), "column": select(Item.name), "count": select(func.count(Item.id)),
        "select_from": select(func.count()).select_from(Item), "join": select(Owner).join(Owner.items),
        "explicit join": select(Owner.id).join(Item, Item.owner_id == Owner.id),
        "any": select(Owner).where(Owner.items.any()), "subquery": select(Owner).where(Owner.id.in_(select(Item.owner_id))),
        "joined eager load": select(Owner).options(joinedload(Owner.items)),
        "default joined eager load": select(EagerOwner),
        "update": update(Item).values(name="x"), "delete": delete(Item),
        "update through a subquery": update(Owner).where(Owner.id.in_(select(Item.owner_id))).values(id=2),
    }
    not_raised = []
    for kind, statement in statements.items():
        try:
            db.session.execute(statement)
        except TenantContextMissing:
            pass
        else:
            not_raised.append(kind)
        db.session.rollback()
    assert not not_raised, f"no TenantContextMissing for: {not_raised}"
    with pytest.raises(TenantContextMissing):
        db.session.get(Item, 1)


def test_the_real_tenant_models_raise_without_a_tenant_too(db, tenant):
    for model in (Membership, PluginEnablement):
        with pytest.raises(TenantContextMissing):
            db.session.scalars(select(model)).all()
        db.session.rollback()


def test_a_new_row_without_a_tenant_raises(db, tables):
    db.session.add(Item(name="orphan"))
    with pytest.raises(TenantContextMissing):
        db.session.flush()
    db.session.rollback()


def test_an_unscoped_table_needs_no_tenant(db, data):
    assert db.session.scalars(select(Owner.id)).all() == [1]


# ---- inside tenant_context -----------------------------------------------------------------------

def test_select_sees_only_the_tenants_rows(db, data):
    a, b = data
    with tenant_context(a):
        assert _names(db) == ["a1", "a2"]
        assert db.session.scalar(select(func.count(Item.id))) == 2
        assert db.session.scalar(select(func.count()).select_from(Item)) == 2
        assert sorted(db.session.scalars(select(Item.name).where(Item.name.like("%1"))).all()) == ["a1"]
        assert db.session.scalars(select(Item).where(Item.tenant_id == b.id)).all() == []  # asking is not enough
        # The older query API goes through the same filter.
        assert sorted(i.name for i in db.session.query(Item).all()) == ["a1", "a2"]
    with tenant_context(b):
        assert _names(db) == ["b1"]
    with tenant_context(a):  # switching back and forth is not cached wrongly
        assert _names(db) == ["a1", "a2"]


def test_get_by_primary_key_of_another_tenant_finds_nothing(db, data):
    a, b = data
    with tenant_context(b):
        b1_id = db.session.scalar(select(Item.id))
    forget_test_rows(db)
    with tenant_context(a):
        assert db.session.get(Item, b1_id) is None


def test_joins_and_subqueries_are_filtered(db, data):
    a, _ = data
    with tenant_context(a):
        joined = db.session.execute(select(Item.name, func.count(Part.id)).join(Item.parts).group_by(Item.name)).all()
        assert dict(joined) == {"a1": 2}
        assert db.session.scalars(select(Owner).join(Owner.items).where(Item.name == "b1")).all() == []
        assert db.session.scalars(select(Owner).where(Owner.items.any(Item.name == "b1"))).all() == []
        assert db.session.scalar(select(func.count(Part.id)).where(Part.item_id.in_(select(Item.id)))) == 2
        assert db.session.scalars(select(Owner.id).where(Owner.id.in_(
            select(Item.owner_id).where(Item.name == "b1")))).all() == []
        assert db.session.scalar(select(func.count()).select_from(Item).join(Item.parts)) == 2


def test_relationship_loads_are_filtered(db, data):
    a, _ = data
    with tenant_context(a):
        owner = db.session.get(Owner, 1)
        assert [i.name for i in owner.items] == ["a1", "a2"]  # lazy load
        a1 = owner.items[0]
        assert len(a1.parts) == 2  # B's part attached to a1 is not loaded
    forget_test_rows(db)
    with tenant_context(a):
        for option in (selectinload(Owner.items).selectinload(Item.parts), joinedload(Owner.items).joinedload(Item.parts)):
            forget_test_rows(db)
            owner = db.session.scalars(select(Owner).options(option)).unique().one()
            assert [i.name for i in owner.items] == ["a1", "a2"]
            assert [len(i.parts) for i in owner.items] == [2, 0]
        forget_test_rows(db)
        assert [i.name for i in db.session.scalars(select(EagerOwner)).unique().one().items] == ["a1", "a2"]


def test_a_parent_loaded_outside_any_tenant_lazy_loads_the_children_of_the_tenant_in_scope(db, data):
    """The user and the tenant of a request are loaded before its tenant scope is entered."""
    a, b = data
    owner = db.session.get(Owner, 1)
    with tenant_context(b):
        assert [i.name for i in owner.items] == ["b1"]
    forget_test_rows(db)
    owner = db.session.get(Owner, 1)
    with tenant_context(a):
        assert [i.name for i in owner.items] == ["a1", "a2"]


def test_update_and_delete_statements_touch_only_the_tenants_rows(db, data):
    a, b = data
    with tenant_context(a):
        result = db.session.execute(update(Item).values(name="renamed"))
        assert result.rowcount == 2
        db.session.execute(delete(Part))
    db.session.commit()
    with tenant_context(b):
        assert _names(db) == ["b1"]
        assert db.session.scalar(select(func.count(Part.id))) == 2  # B's two parts are still there
    with tenant_context(a):
        assert _names(db) == ["renamed", "renamed"]
        assert db.session.scalar(select(func.count(Part.id))) == 0


def test_new_rows_get_the_tenant_automatically(db, data):
    a, b = data
    with tenant_context(b):
        item = Item(name="new")
        db.session.add(item)
        db.session.flush()
        assert item.tenant_id == b.id


def test_a_new_row_for_another_tenant_is_refused_inside_a_scope(db, data):
    a, b = data
    with tenant_context(a):
        db.session.add(Item(name="smuggled", tenant_id=b.id))
        with pytest.raises(TenantContextMissing):
            db.session.flush()
    db.session.rollback()


def test_unscoped_lifts_the_filter_explicitly(db, data):
    a, b = data
    with unscoped():
        assert _names(db) == ["a1", "a2", "b1"]
        with tenant_context(a):  # a tenant scope inside it is a tenant scope again
            assert _names(db) == ["a1", "a2"]
        assert _names(db) == ["a1", "a2", "b1"]
    with pytest.raises(TenantContextMissing):
        _names(db)


def test_the_scope_is_left_on_exit_even_after_an_error(db, data):
    a, _ = data
    with pytest.raises(ZeroDivisionError):
        with tenant_context(a):
            1 / 0
    assert current_tenant_id() is None
    with pytest.raises(TenantContextMissing):
        _names(db)


def test_a_request_runs_in_its_tenants_scope_and_leaves_it(app, client, db, data, user_factory):
    """The enforcement point enters the URL's tenant for the request and leaves it afterwards."""
    from flask import Blueprint, jsonify

    from core.access import members
    from tests.conftest import login

    a, b = data
    bp = Blueprint("tenancy_probe", __name__)

    @bp.route("/<tenant>/tenancy-probe")
    @members()
    def probe():
        return jsonify(sorted(db.session.scalars(select(Item.name)).all()))

    app.register_blueprint(bp)
    login(client, user_factory(a, "coordinator"), a)
    assert client.get(f"/{a.slug}/tenancy-probe").get_json() == ["a1", "a2"]
    other = login(app.test_client(), user_factory(b, "mentor"), b)
    assert other.get(f"/{b.slug}/tenancy-probe").get_json() == ["b1"]
    assert current_tenant_id() is None


def test_orm_bulk_insert_is_stamped_with_the_tenant_and_refuses_another(app, db, tenant, other_tenant):
    """``session.execute(insert(Model), rows)`` skips the flush; the mechanism still stamps it."""
    from datetime import date

    from sqlalchemy import func, insert, select

    from core.tenancy import TenantContextMissing, tenant_context, unscoped
    from core.volunteers.models import Volunteer

    row = {"name": "Bulk", "capacity": 1, "status": "applicant", "status_since": date(2026, 1, 1),
           "recruited_on": date(2026, 1, 1), "languages": [], "interests": []}
    with tenant_context(tenant):
        db.session.execute(insert(Volunteer), [dict(row), dict(row)])
        with pytest.raises(TenantContextMissing):
            db.session.execute(insert(Volunteer), [{**row, "tenant_id": other_tenant.id}])
    with pytest.raises(TenantContextMissing):
        db.session.execute(insert(Volunteer), [dict(row)])
    with unscoped():
        counts = dict(db.session.execute(select(Volunteer.tenant_id, func.count()).group_by(Volunteer.tenant_id)).all())
    assert counts == {tenant.id: 2}
