"""What tests share, so no test module imports another: the fake Slack Web API (fake_slack), signed requests and
their replies (signed), form payloads (optin, programs), Block Kit checks (blockkit), builders' samples (samples), and
the scenarios several features start from: people enrolled and a pair (rounds), a running program with four pairs
(checkins), queued messages (outbox), a seeded program's results (results), the HR sheet (importer), ``python -m
bot`` as a process (cli)."""
