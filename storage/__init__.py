"""Persistence: SQLModel tables (``models``), the async engine and sessions (``db``), Alembic migrations (``migrate``,
``migrations/``) and one module of query functions per aggregate: ``workspaces``, ``programs``, ``participants``,
``admins``, ``audit``, ``avoid``, ``rounds``, ``checkins``, ``feedback``, ``recognition``, ``surveys``, ``outbox`` and
``results`` (the SQL behind a program's results). ``sql`` holds the building blocks they share.

Every query function is keyword-only, takes an explicit session first and scopes every query by ``team_id``; SQL
lives here and nowhere else (``bot`` calls these functions, ``handlers`` never import ``storage``)."""
