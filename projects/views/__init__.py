"""Browser views for officers, managers and admins (server-rendered, htmx for partial updates).

Split by page: inbox (the officer's list), detail (one lead), actions (inline writes),
runs (score-run progress). Access rules live in screening.access; writes go through
projects.services.
"""
