"""Options of a decision (method §7): a client's projects compared side by side, one chosen."""
