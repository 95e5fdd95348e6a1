"""The person unit: which registry person each victim mention belongs to (issue 14's registry).

A mention never linked is a person of its own (its key is the mention id itself).
"""

from __future__ import annotations

from collections.abc import Callable

from intake_app.vault.vault import Vault

PersonOf = Callable[[str], str]


def person_resolver(vault: Vault) -> PersonOf:
    """``mention -> person key`` as the person registry says now."""
    mapping = person_links(vault)
    return lambda mention: mapping.get(mention, mention)


def person_links(vault: Vault) -> dict[str, str]:
    """Only the mentions the registry linked into a person (mention → PID); every other mention is its own person.
    Read from the registry's maintained ``person_links`` table: no index is refreshed (a link naming a mention that no
    longer exists is never looked up, since callers look up current mentions only)."""
    return {str(m): str(p) for m, p in vault.conn.execute("SELECT mention, person FROM person_links")}
