"""The process: settings, app assembly, HTTP server, scheduler, per-request context, errors, CLI."""
