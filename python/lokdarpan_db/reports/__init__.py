"""Reports over the ward API (the ward intelligence report)."""
