"""Messages that must go out exactly once: their kinds and payloads, batches, delivery, outcomes, what is due."""
