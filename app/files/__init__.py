"""Uploaded files: checked by content, cleaned of metadata, stored under random names."""
