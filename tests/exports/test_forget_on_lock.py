"""Locking a vault empties every cache of what was read from it (``intake_app.vault.forget``): name forms and
readings, parsed dates, consent objects and the reference key's prepared HMAC. Before, they stayed reachable in
module-level caches for the life of the process, also once the vault was locked (a laptop left with the app open)."""

from __future__ import annotations

import ast
from pathlib import Path

from intake_app import wiring
from intake_app.consolidation import names
from intake_app.exports import consent
from intake_app.vault import forget
from intake_app.vault.vault import Vault
from tests.exports.conftest import PASSPHRASE, TID_A, Hq, make_testimony

# Every cache of content or keys in the product: a new one must be registered (and listed here).
EXPECTED = {
    "intake_app.consolidation.names._keys", "intake_app.consolidation.names._readings",
    "intake_app.exports.anonymity._keyed", "intake_app.exports.anonymity._name_forms",
    "intake_app.exports.anonymity._scrubber", "intake_app.exports.released._year_only",
    "intake_app.records.consent_rows.parse", "intake_app.records.edtf.parse_edtf",
    "intake_app.records.stored._cached_consent", "intake_app.records.stored._date",
}


def test_locking_a_vault_empties_every_cache_of_its_content(hq: Hq) -> None:
    wiring.install()
    caches = forget.registered()
    assert set(caches) == EXPECTED
    grant = {"value": "granted", "anonymity": "pseudonym", "date": "2024-05-02"}
    hq.add(make_testimony(TID_A, {"publication": grant}))
    with Vault.open(hq.path, PASSPHRASE) as vault:
        release = consent.decide(vault, "publication", [f"{TID_A}/v1"])
        assert len(release.included) == 1
        assert names.name_keys("류은별") and names.name_readings("Ryu Un-byol")
        filled = {name for name, cache in caches.items() if cache.cache_info().currsize}
        assert len(filled) >= 6, filled  # what one decision and one name lookup left behind
    assert vault.locked
    assert {name: cache.cache_info().currsize for name, cache in caches.items() if cache.cache_info().currsize} == {}


# Caches that hold nothing read from a vault: bundled data files and vocabularies, characters, the interchange table's
# paths, fonts.
CONTENT_FREE = {
    "intake_app.perpetrators.units._organ_words", "intake_app.perpetrators.units._rules",
    "intake_app.records.date_phrases.anchors",
    "intake_app.consolidation.names._foreign_script", "intake_app.exports.anonymity._fold",
    "intake_app.exports.anonymity._ignored", "intake_app.exports.pdf_fonts._cmap",
    "intake_app.persons.scoring._label", "intake_app.persons.scoring._province",
    "intake_app.records.interchange._field_paths", "intake_app.records.interchange._fields",
    "intake_app.records.interchange._key", "intake_app.records.interchange._short_item_paths",
    "intake_app.records.revisions.prefixes", "intake_app.records.vocabularies.load",
}


def _cached_functions() -> set[str]:
    """Every function of intake_app under an ``lru_cache``/``cache`` decorator, or wrapped by one in an assignment,
    as ``module.name`` of the function cached."""
    root = Path(__file__).resolve().parents[2]
    found: set[str] = set()
    for path in sorted((root / "intake_app").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any("cache" in ast.unparse(d) and "on_lock" not in ast.unparse(d)
                                                         for d in node.decorator_list):
                found.add(f"{module}.{node.name}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Call) and "lru_cache" in ast.unparse(
                    node.func) and node.args and isinstance(node.args[0], ast.Name):
                found.add(f"{module}:{node.args[0].id}")  # a wrapped function, named where it is defined
    return found


def test_every_cache_is_either_forgotten_on_lock_or_free_of_content() -> None:
    found = _cached_functions()
    wrapped = {name.split(":")[1] for name in found if ":" in name}
    direct = {name for name in found if ":" not in name}
    assert wrapped == {"parse_edtf"}  # interchange's cached date parser: registered as records.edtf.parse_edtf
    assert direct <= EXPECTED | CONTENT_FREE, direct - EXPECTED - CONTENT_FREE
    assert EXPECTED - {"intake_app.records.edtf.parse_edtf"} <= direct
