"""What tests share: the fake Slack Web API, signed requests, form payloads, Block Kit checks, samples."""
