"""Operations: backup/restore, point-in-time recovery, health, maintenance."""
