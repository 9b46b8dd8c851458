"""The compilations scenario: accepted submissions under every attribution."""

from tests.compilations.conftest import scenario  # noqa: F401
