"""Pure calculation tests: no database and no Django needed.

They run with ``-p no:django`` as well as under pytest-django (they never ask for a database,
so pytest-django never creates one for them).
"""
