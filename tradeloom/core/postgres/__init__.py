"""``ENGINE = "tradeloom.core.postgres"``: Django's PostgreSQL backend that can start the embedded server."""
