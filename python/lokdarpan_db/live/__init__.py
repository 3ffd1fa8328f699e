"""Live-traffic harness: the application's statement mix against a database being changed."""
