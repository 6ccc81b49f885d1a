"""Browser views for officers, managers and admins (server-rendered, htmx for partial updates).

Split by page: inbox (the officer's list), detail (one lead), actions (inline writes),
runs (score-run progress), clusters (cluster pages), data_upload (admins' imports). Access
rules live in screening.access (screening.web.role_required wraps every view); writes go
through projects.services.
"""
