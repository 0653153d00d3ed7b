"""Slack surfaces: one package per kind of request, each with ``register(app)``."""
