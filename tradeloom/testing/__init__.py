"""Test support shared by every app's tests (not a Django app, never imported by product code).

``routes`` reads the tenant routes from the URLconf; ``walls`` is the registry through which each app's
``tests/factories.py`` says how to make another organisation's object for a URL id; ``record_api`` holds the
standard tests of a record API, inherited by declaring a class; ``budgets`` is the one table of query budgets.
"""

import pytest

# The generic tests assert in this package, not in a test module: pytest rewrites their asserts too.
pytest.register_assert_rewrite("tradeloom.testing.record_api")
