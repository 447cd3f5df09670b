"""The store underneath everything: engines, transactions and migrations per store URL (``db``),
API keys and usage (``keys``), the tenancy rules every store applies (``tenancy``), and whole-store
export and import (``transfer``)."""
