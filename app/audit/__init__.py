"""Audit events of security-relevant actions. Never an IP address or a user agent."""
