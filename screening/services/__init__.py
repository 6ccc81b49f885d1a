"""Write services of the scoring domain: they change state and recompute explicitly."""
