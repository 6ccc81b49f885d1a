"""Pagination: page numbers for small tables, cursors for the large ones.

A page-number page needs COUNT(*) of the whole filtered set; over a million leads that costs
more than the page itself, so leads and scores page by cursor on a unique, indexed ordering.
"""

from __future__ import annotations

from rest_framework.pagination import CursorPagination, PageNumberPagination


class PagePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class LeadCursorPagination(CursorPagination):
    """Newest leads first; `ordering=id` pages oldest first."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"


class ScoreCursorPagination(CursorPagination):
    """Best scores first; ties by lead id so every page boundary is exact."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-total", "lead_id")
