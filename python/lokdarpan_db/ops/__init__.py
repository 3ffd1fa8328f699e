"""Operations: backup and restore, health checks, partition maintenance."""
