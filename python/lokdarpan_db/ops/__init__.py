"""Operations: backup and restore, point-in-time recovery, health checks, partition maintenance."""
