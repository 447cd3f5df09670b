"""``python -m service keys create|list|revoke``: API keys for the HTTP service."""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from service.settings import Settings
from service.storage.keys import KeyStore, validate_rate
from service.storage.tenancy import ADMIN, DEFAULT_ROLE, ROLES, validate_team


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``keys`` command and its subcommands."""
    parser = subparsers.add_parser("keys", help="create, list and revoke API keys")
    sub = parser.add_subparsers(dest="keys_command", required=True, metavar="SUBCOMMAND")

    p = sub.add_parser("create", help="make a key; its secret is printed once")
    p.add_argument("--name", default="", help="who or what the key is for")
    p.add_argument("--rate", type=_rate, default="", help="rate limit such as 60/minute (default: http.rate_limit)")
    p.add_argument("--char-quota", type=_quota, default=None,
                   help="characters per UTC day (default: http.char_quota; 0 = unlimited)")
    p.add_argument("--team", type=_team, default=None,
                   help="the team the key belongs to: its keys share their glossaries (default: none, "
                        "the key's data is its own)")
    p.add_argument("--role", choices=ROLES, default=DEFAULT_ROLE,
                   help=f"what the key may do (default: {DEFAULT_ROLE}): reader reads and uses; editor also "
                        "creates, changes and deletes its team's glossaries; admin also changes shared data "
                        "such as the default glossary")
    p.set_defaults(handler=run_create)

    p = sub.add_parser("list", help="every key with its usage today")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(handler=run_list)

    p = sub.add_parser("revoke", help="revoke a key by its id (the bk_... prefix)")
    p.add_argument("id", help="key id as shown by `keys list`")
    p.set_defaults(handler=run_revoke)


def _rate(value: str) -> str:
    try:
        return validate_rate(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _team(value: str) -> str:
    try:
        return validate_team(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _quota(value: str) -> int:
    try:
        quota = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if quota < 0:
        raise argparse.ArgumentTypeError("the quota must not be negative")
    return quota


def run_create(args: argparse.Namespace, settings: Settings) -> int:
    """Create a key and print its secret (only now; it is stored hashed)."""
    key, secret = KeyStore(settings.database_url).create(args.name, rate_limit=args.rate, char_quota=args.char_quota,
                                                         team=args.team, role=args.role)
    print(secret)
    scope = f"team {key.team}" if key.team else "its own data"
    print(f"created key {key.id} ({key.role}, {scope}); keep the secret above, it cannot be shown again",
          file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print every key with today's usage."""
    store = KeyStore(settings.database_url)
    rows: list[dict[str, Any]] = []
    for key in store.list():
        usage = store.usage(key.id)
        rows.append({
            "id": key.id, "name": key.name, "team": key.team,
            "role": ADMIN if key.id in settings.http.admin_keys else key.role,
            "rate_limit": key.rate_limit or settings.http.rate_limit,
            "char_quota": settings.http.char_quota if key.char_quota is None else key.char_quota,
            "created_at": key.created_at, "revoked_at": key.revoked_at,
            "requests_today": usage.requests, "characters_today": usage.characters,
        })
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no API keys; create one with `python -m service keys create`")
        return 0
    print(f"{'ID':<12} {'NAME':<20} {'TEAM':<16} {'ROLE':<7} {'RATE':<12} {'QUOTA':>9} {'TODAY':>9}  STATUS")
    for r in rows:
        status = f"revoked {r['revoked_at']}" if r["revoked_at"] else "active"
        print(f"{r['id']:<12} {r['name'][:20]:<20} {(r['team'] or '-')[:16]:<16} {r['role']:<7} "
              f"{r['rate_limit']:<12} {r['char_quota'] or '-':>9} {r['characters_today']:>9}  {status}")
    return 0


def run_revoke(args: argparse.Namespace, settings: Settings) -> int:
    """Revoke a key; requests with it get 403 from then on."""
    key = KeyStore(settings.database_url).revoke(args.id)
    print(f"revoked {key.id} ({key.name or 'no name'}) at {key.revoked_at}")
    return 0
