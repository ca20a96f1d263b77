"""The database cache (table ``roi_cache``), with a write that costs one statement.

Django's :class:`~django.core.cache.backends.db.DatabaseCache` counts the whole table
(``SELECT COUNT(*)``, a scan) before every write, then looks the key up and updates or inserts
it, each write a durable commit of its own. Here, on PostgreSQL, the only database:

- a write is one ``INSERT … ON CONFLICT`` (``add`` only replaces an expired entry);
- the table is never counted by a write: :meth:`DatabaseCache.cull` counts it and culls it as
  Django does (expired entries first, then a part of the rest past ``MAX_ENTRIES``), called by
  the workers' periodic task ``roi.cull_cache`` every few minutes, outside any request (a
  request thus runs the same statements whatever the table holds);
- a write outside any transaction commits without waiting for its flush to disk
  (``synchronous_commit = off`` for that transaction alone): what the cache holds is worked
  out again when it is missing, so a crash may lose a few entries, never a user's data. A write
  inside a transaction (a user's change) rides on that transaction's own durable commit.

A cache that fails (its table, a cull running, a lost connection) is a miss, never an error:
a read or a write inside a user's transaction runs in a savepoint, so that the user's change
goes on; outside one, it is a single statement (no transaction of its own). Deletes and
``touch`` are Django's.
"""

from __future__ import annotations

import base64
import logging
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction

logger = logging.getLogger(__name__)


class DatabaseCache(DjangoDatabaseCache):
    def get_many(self, keys, version=None):
        connection = connections[router.db_for_read(self.cache_model_class)]
        try:
            if connection.in_atomic_block:
                with transaction.atomic(using=connection.alias):
                    return super().get_many(keys, version)
            return super().get_many(keys, version)
        except DatabaseError:
            logger.warning("Cache unavailable (read): a miss", exc_info=True)
            return {}

    def cull(self) -> int:
        """Cull the table as Django's write does, when it holds more than ``MAX_ENTRIES``;
        return how many entries it held before."""
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            entries = cursor.fetchone()[0]
            if entries > self._max_entries:
                self._cull(db, cursor, datetime.now(UTC).replace(microsecond=0), entries)
        return entries

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        if mode == "touch":
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = datetime.now(UTC).replace(microsecond=0)
        expires = (datetime.max.replace(tzinfo=UTC) if timeout is None
                   else datetime.fromtimestamp(timeout, tz=UTC)).replace(microsecond=0)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        replace = "" if mode == "set" else f" WHERE {table}.expires < %s"
        params = [key, encoded, expires] + ([] if mode == "set" else [now])
        durable = connection.in_atomic_block
        try:
            with transaction.atomic(using=db), connection.cursor() as cursor:
                if not durable:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
                cursor.execute(
                    f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
                    f"ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, "
                    f"expires = EXCLUDED.expires{replace} RETURNING 1", params)
                return cursor.fetchone() is not None
        except DatabaseError:
            # As Django's: a write that fails (two at once, a cull) is not kept.
            logger.warning("Cache unavailable (write): not kept", exc_info=True)
            return False
