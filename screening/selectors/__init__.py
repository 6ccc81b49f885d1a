"""Reads of the scoring domain (no writes, nothing marked stale, nothing enqueued).

The writes are in screening.services; keeping the two apart keeps the write paths' one
upward door (screening.invalidation, which enqueues tasks) out of every read.
"""
