"""Messages that must go out exactly once: batches, delivery, outcome classes, what is due."""
