"""The assumption register: each line's source, owner and last validation, sorted by exposure."""
