"""The recompute tests' small world (6 cities, 6 industries, 9 leads) is the decisions' world."""

from tests.recompute.conftest import small_world

__all__ = ["small_world"]
