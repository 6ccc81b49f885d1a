"""Browser routes (filled in by the UI issue)."""

urlpatterns: list[object] = []
