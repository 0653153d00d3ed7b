"""Reverse mentoring Slack app: configuration, app assembly, domain services and the CLI."""
