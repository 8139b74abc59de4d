"""Relais: self-hosted omnichannel customer service."""

__version__ = "0.1.0"
