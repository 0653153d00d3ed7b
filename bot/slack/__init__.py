"""Slack plumbing: the Web API client, pacing, retries, token authorization."""
