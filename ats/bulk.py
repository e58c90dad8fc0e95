"""Set-based writes the ORM cannot express: INSERT INTO ... SELECT, deletes whose
foreign keys are checked as they run, and the planner's samples taken again after them.

One statement however many rows, so that a hiring decision on 10,000 applicants or a
purge batch of 1,000 costs the same few queries, and no Python object per row.
"""

from collections.abc import Sequence
from contextlib import contextmanager

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Count, Expression, Model, QuerySet, Value


def insert_from_select(*, into: type[Model], rows: QuerySet, **columns: Expression) -> int:
    """Insert one `into` row per row of `rows`, each column computed by its expression.
    Nothing, without a statement, for a selection Django knows to be empty (`pk__in`
    an empty list: a bulk action where none of the ticked rows qualifies)."""
    aliases = {f"insert_{name}": expression for name, expression in columns.items()}
    try:
        select_sql, params = (
            rows.order_by().annotate(**aliases).values_list(*aliases).query.sql_with_params()
        )
    except EmptyResultSet:  # Django's word for a WHERE that can match no row
        return 0
    connection = connections[router.db_for_write(into)]
    quote = connection.ops.quote_name
    meta = into._meta
    targets = ", ".join(quote(meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(meta.db_table)} ({targets}) {select_sql}", params)
        return cursor.rowcount


def add_to_counts(
    *, into: type[Model], rows: QuerySet, keys: dict[str, Expression], sign: int = 1
) -> None:
    """Add (`sign` -1: take) the number of `rows` in each group of `keys` to the count of
    `into` (its `applications`) under a unique constraint on exactly those keys, making
    the rows it lacks: one INSERT ... SELECT ... ON CONFLICT DO UPDATE however many
    groups, in the keys' order, so that two transactions lock shared counts in one order."""
    aliases = {f"count_{name}": expression for name, expression in keys.items()}
    try:
        select_sql, params = (
            rows.order_by()
            .annotate(**aliases)
            .values(*aliases)
            .annotate(count_n=Count("pk") * Value(sign))
            .order_by(*aliases)
            .values_list(*aliases, "count_n")
            .query.sql_with_params()
        )
    except EmptyResultSet:
        return
    # "WHERE true": SQLite's parser needs it between a SELECT and ON CONFLICT.
    _upsert(into, keys, f"SELECT * FROM ({select_sql}) counted WHERE true", params)


def add_one(*, into: type[Model], **keys) -> None:
    """Add one to the count of `into` under `keys` (as add_to_counts, for one known
    group: no rows to read)."""
    connection = connections[router.db_for_write(into)]
    fields = [into._meta.get_field(name) for name in keys]
    values = [field.get_db_prep_save(keys[field.name], connection) for field in fields]
    _upsert(into, keys, f"VALUES ({', '.join(['%s'] * len(values))}, 1)", values)


def _upsert(into: type[Model], keys, rows_sql: str, params) -> None:
    """INSERT `rows_sql` (the keys' values, then a number) into `into`, adding the number
    to `applications` where a row with those keys is there already."""
    connection = connections[router.db_for_write(into)]
    quote = connection.ops.quote_name
    meta = into._meta
    table = quote(meta.db_table)
    targets = ", ".join(quote(meta.get_field(name).column) for name in keys)
    count = quote(meta.get_field("applications").column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({targets}, {count}) {rows_sql} ON CONFLICT ({targets}) "
            f"DO UPDATE SET {count} = {table}.{count} + excluded.{count}",
            params,
        )


@contextmanager
def foreign_keys_checked_at_once(model: type[Model]):
    """Within the block, check the deferred foreign keys at the end of each statement
    rather than at commit, on PostgreSQL.

    Deleting applications takes the lock on their stage-count row (the triggers of
    migration 0003) and queues a check of the seven tables that point at each of them.
    Left to the commit, those checks ran with the lock held, and every candidate
    applying to the same pool waited for them. SQLite locks the whole database for a
    write whatever the order: nothing to gain there.
    """
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def sample_again(*, models: Sequence[type[Model]]) -> None:
    """Have PostgreSQL sample again, for its planner (ANALYZE), those tables of `models`
    that it has sampled before.

    Its statistics keep values read from each column (the commonest values, a
    histogram, a text vector's commonest words): in a small table, every name, address
    and word. After a deletion they would hold what was erased until autovacuum next
    analyzed the table, once 50 rows and a tenth of it had changed. A table never
    sampled is left so: a sample taken now would stay once the table is empty, since
    PostgreSQL keeps the last sample of a table without rows. SQLite keeps no values
    unless ANALYZE is run, which the app never does. A database user that may not
    analyze the tables gets a warning from PostgreSQL, not an error.
    """
    connection = connections[router.db_for_write(models[0])]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT tablename FROM pg_stats"
            " WHERE schemaname = ANY(current_schemas(false)) AND tablename = ANY(%s)",
            [[model._meta.db_table for model in models]],
        )
        sampled = sorted(table for (table,) in cursor.fetchall())
        if sampled:
            cursor.execute(f"ANALYZE {', '.join(map(connection.ops.quote_name, sampled))}")
