"""Every user-facing string and Block Kit builder: pure functions, data in, blocks out."""
