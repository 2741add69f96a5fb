"""Inbound email: replies and new requests by mail become ticket activity."""
