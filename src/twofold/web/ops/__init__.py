"""Running Twofold: the cache every worker and server shares, backups and restores."""
