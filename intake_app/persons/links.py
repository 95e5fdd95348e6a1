"""The person unit: which registry person each victim mention belongs to (issue 14's registry).

A mention never linked is a person of its own (``person_map`` says so: its key is the mention id itself).
"""

from __future__ import annotations

from collections.abc import Callable

from intake_app.persons.registry import person_map
from intake_app.vault.vault import Vault

PersonOf = Callable[[str], str]


def person_resolver(vault: Vault) -> PersonOf:
    """``mention -> person key`` as the person registry says now."""
    mapping = person_links(vault)
    return lambda mention: mapping.get(mention, mention)


def person_links(vault: Vault) -> dict[str, str]:
    """Only the mentions the registry linked into a person (mention → PID); every other mention is its own person."""
    return {m: p for m, p in person_map(vault).items() if p != m}
