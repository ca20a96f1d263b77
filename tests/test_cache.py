"""The database cache's one-statement write (config/cache.py), on the real PostgreSQL table."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from config.cache import DatabaseCache
from roi.tasks.periodic import cull_cache

pytestmark = pytest.mark.django_db


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def rows(key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM roi_cache WHERE cache_key LIKE %s", [f"%{key}"])
        return cursor.fetchone()[0]


def test_backend_is_the_one_statement_write():
    assert isinstance(caches["default"], DatabaseCache)


def test_set_replaces_add_keeps_a_live_entry_and_replaces_an_expired_one():
    cache.set("k", {"a": 1})
    cache.set("k", {"a": 2})
    assert cache.get("k") == {"a": 2}
    assert rows(":k") == 1
    assert cache.add("k", "other") is False
    assert cache.get("k") == {"a": 2}
    assert cache.add("fresh", "first") is True
    assert cache.get("fresh") == "first"
    cache.set("old", "stale", 1)
    time.sleep(2.1)
    assert cache.get("old") is None
    cache.set("old", "stale", 1)
    time.sleep(2.1)
    assert cache.add("old", "new") is True
    assert cache.get("old") == "new"


def test_touch_and_delete_still_work():
    cache.set("t", 1, 1)
    assert cache.touch("t", 60) is True
    time.sleep(2.1)
    assert cache.get("t") == 1
    cache.delete("t")
    assert cache.get("t") is None


def statements(action) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        action()
    return [q["sql"] for q in queries.captured_queries]


def test_a_write_inside_a_users_transaction_keeps_its_durable_commit():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO on")  # the test's transaction only
    with transaction.atomic():
        sql = statements(lambda: cache.set("in-tx", 1))
        assert synchronous_commit() == "on"
    assert not any("synchronous_commit" in q for q in sql)
    # A savepoint around the one statement: a failed write never undoes the user's change.
    assert [q.split()[0] for q in sql] == ["SAVEPOINT", "INSERT", "RELEASE"]


@pytest.mark.django_db(transaction=True)
def test_a_write_on_its_own_is_not_flushed_but_leaves_the_connection_durable():
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO on")
    try:
        sql = statements(lambda: cache.set("alone", 1))
        assert "SET LOCAL synchronous_commit TO OFF" in sql
        assert cache.get("alone") == 1
        # SET LOCAL: only the cache's own transaction was asynchronous.
        assert synchronous_commit() == "on"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def test_a_failed_read_is_a_miss_and_leaves_the_users_transaction_usable():
    broken = DatabaseCache("no_such_table", {})
    with transaction.atomic():
        assert broken.get("x", "missing") == "missing"
        assert broken.get_many(["x", "y"]) == {}
        cache.set("after", 2)
        assert cache.get("after") == 2


def test_a_read_inside_a_users_transaction_is_in_a_savepoint():
    cache.set("read", 1)
    with transaction.atomic():
        sql = statements(lambda: cache.get("read"))
    assert [q.split()[0] for q in sql] == ["SAVEPOINT", "SELECT", "RELEASE"]


@pytest.mark.django_db(transaction=True)
def test_a_read_on_its_own_is_one_statement():
    cache.set("alone", 1)
    sql = statements(lambda: cache.get("alone"))
    assert [q.split()[0] for q in sql] == ["SELECT"]
    assert not connection.in_atomic_block and connection.get_autocommit()


def test_a_failed_write_leaves_the_users_transaction_usable():
    broken = DatabaseCache("no_such_table", {})
    with transaction.atomic():
        assert broken.add("x", 1) is False
        cache.set("after", 2)
        assert cache.get("after") == 2


def count_entries() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM roi_cache")
        return cursor.fetchone()[0]


def test_a_write_never_counts_the_table():
    for i in range(5):
        cache.set(f"warm-{i}", i)
    with CaptureQueriesContext(connection) as captured:
        for i in range(300):
            cache.set(f"many-{i}", i)
    assert not [q for q in captured.captured_queries if "COUNT" in q["sql"].upper()]


def test_the_table_is_culled_past_max_entries():
    small = DatabaseCache("roi_cache", {"OPTIONS": {"MAX_ENTRIES": 20, "CULL_FREQUENCY": 2}})
    for i in range(40):
        small.set(f"cull-{i}", i)
    assert count_entries() >= 40
    assert small.cull() >= 40
    assert count_entries() <= 20
    assert small.cull() <= 20      # under the bound: nothing more removed
    assert count_entries() == small.cull()


def test_the_periodic_task_culls_the_shared_cache(settings):
    settings.CACHES = {"default": {**settings.CACHES["default"],
                                   "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}}}
    for i in range(30):
        caches["default"].set(f"periodic-{i}", i)
    assert cull_cache(timestamp=0) >= 30
    assert count_entries() <= 15    # as Django culls: 1 / CULL_FREQUENCY of the entries removed
