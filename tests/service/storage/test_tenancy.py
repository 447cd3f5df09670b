"""The tenancy rules, as a table: who may read, create, change data of which owner."""
from __future__ import annotations

import pytest

from service.errors import ForbiddenError, NotFoundError
from service.storage.tenancy import (
    ADMIN,
    EDITOR,
    OPERATOR,
    READER,
    SINGLE_USER,
    Access,
    Tenant,
    change_access,
    may_create,
    may_read,
    require_change,
    require_create,
    validate_role,
    validate_team,
    visible_clause,
)

NEWS = "team:news"
SPORTS = "team:sports"
TENANTS = {
    "news-admin": Tenant(NEWS, ADMIN),
    "news-editor": Tenant(NEWS, EDITOR),
    "news-reader": Tenant(NEWS, READER),
    "single-user": SINGLE_USER,
    "operator": OPERATOR,
}
A, H, F = Access.ALLOWED, Access.HIDDEN, Access.FORBIDDEN
# tenant -> (read shared, read own, read other), (change shared, change own, change other), create
TABLE = {
    "news-admin": ((True, True, False), (A, A, H), True),
    "news-editor": ((True, True, False), (F, A, H), True),
    "news-reader": ((True, True, False), (F, F, H), False),
    "single-user": ((True, False, False), (A, H, H), True),
    "operator": ((True, True, True), (A, A, A), True),
}


@pytest.mark.parametrize("who", sorted(TABLE))
def test_the_rules_table(who):
    tenant = TENANTS[who]
    reads, changes, creates = TABLE[who]
    owners = (None, NEWS, SPORTS)
    assert tuple(may_read(tenant, o) for o in owners) == reads
    assert tuple(change_access(tenant, o) for o in owners) == changes
    assert may_create(tenant) is creates


@pytest.mark.parametrize(("team", "owner"), [("news", "team:news"), (None, "key:bk_1")])
def test_a_key_acts_for_its_team_or_else_for_itself(team, owner):
    assert Tenant.for_key("bk_1", team=team, role=EDITOR).owner == owner


def test_keys_listed_as_admin_are_admins_whatever_their_role():
    assert Tenant.for_key("bk_1", team=None, role=READER, admin_keys=("bk_1",)).role == ADMIN
    assert Tenant.for_key("bk_2", team=None, role=READER, admin_keys=("bk_1",)).role == READER


def test_two_keys_of_one_team_share_their_data():
    one = Tenant.for_key("bk_1", team="news", role=EDITOR)
    two = Tenant.for_key("bk_2", team="news", role=READER)
    assert may_read(two, one.owner)


def test_require_change_raises_the_stores_own_not_found_for_hidden_data():
    hidden = NotFoundError("no glossary named 'x'")
    with pytest.raises(NotFoundError) as caught:
        require_change(Tenant(NEWS, ADMIN), SPORTS, hidden=hidden)
    assert caught.value is hidden


@pytest.mark.parametrize(("tenant", "owner", "says"), [
    (Tenant(NEWS, READER), NEWS, "read and use"),
    (Tenant(NEWS, EDITOR), None, "admin"),
])
def test_require_change_says_why_a_visible_change_is_forbidden(tenant, owner, says):
    with pytest.raises(ForbiddenError, match=says):
        require_change(tenant, owner, hidden=NotFoundError("x"), noun="glossary")


def test_a_reader_cannot_create():
    with pytest.raises(ForbiddenError):
        require_create(Tenant(NEWS, READER))
    require_create(Tenant(NEWS, EDITOR))


@pytest.mark.parametrize("bad", ["", "-x", "a b", "x" * 65, "a/b", "team:x"])
def test_bad_team_names_are_refused(bad):
    with pytest.raises(ValueError, match="bad team name"):
        validate_team(bad)


@pytest.mark.parametrize("bad", ["", "owner", "Admin"])
def test_unknown_roles_are_refused(bad):
    with pytest.raises(ValueError, match="unknown role"):
        validate_role(bad)
    with pytest.raises(ValueError, match="unknown role"):
        Tenant(NEWS, bad)


@pytest.mark.parametrize(("tenant", "clause"), [
    (OPERATOR, "1 = 1"),
    (SINGLE_USER, "owner IS NULL"),
    (Tenant(NEWS, READER), "(owner IS NULL OR owner = :tenant_owner)"),
])
def test_visible_clause(tenant, clause):
    assert visible_clause(tenant)[0] == clause


def test_visible_clause_filters_rows_in_sql():
    import sqlite3

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (name TEXT, owner TEXT)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [("shared", None), ("ours", NEWS), ("theirs", SPORTS)])
    clause, params = visible_clause(Tenant(NEWS, READER))
    rows = conn.execute(f"SELECT name FROM t WHERE {clause} ORDER BY name", params).fetchall()
    assert [r[0] for r in rows] == ["ours", "shared"]
