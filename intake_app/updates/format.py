"""HQ update format version 1: names, limits, the signed documents and their strict parsers (docs/formats/hq-update.md).

An update file is a POSIX ustar archive written by the bundle code's canonical writer, with exactly two members::

    update.json            canonical JSON (keys sorted, no whitespace, UTF-8), see UpdateDoc.to_json()
    update.json.minisig    minisign ED signature of update.json by HQ's signing key; trusted comment: update_comment()

``update.json`` carries, for ONE device: receipts (bundle number + manifest SHA-256), the chain of HQ key changes
(each link signed by the HQ signing key it replaces or extends), revocations of other devices, vocabulary additions
and policy minimums. Everything is cumulative, so a lost update is made good by the next one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from crypto import age, minisign
from crypto.errors import CryptoError, MalformedError
from crypto.signing import PublicKey
from intake_app.bundles.format import canonical
from intake_app.bundles.format import is_strict_signature as strict_signature

FORMAT = "testimony-intake/hq-update"
KEY_CHANGE_FORMAT = "testimony-intake/hq-key-change"
VERSION = 1
DOC = "update.json"
DOC_SIG = "update.json.minisig"
MEMBERS = (DOC, DOC_SIG)
DOC_SIG_COMMENT = "testimony-intake hq update"
KEY_CHANGE_SIG_COMMENT = "testimony-intake hq key change"

MAX_FILE = 16 << 20
MAX_DOC = MAX_FILE - 8192
MAX_SIGNATURE = 4096
MAX_RECEIPTS = 1_000_000
MAX_KEY_CHANGES = 1000
MAX_REVOCATIONS = 10_000
MAX_VOCABULARY = 10_000
POLICY_RANGES = {"auto_lock_minutes": (1, 120), "max_days_between_exports": (1, 365)}
# Requirements added to version 1 later (hq-update.md §4): a key is present only when HQ sets it, so an update that
# sets neither is spelled exactly as before and every laptop reads it. ``require_duress`` is JSON ``true`` (kept as 1).
REQUIRE_UNLOCK_LIMIT = "require_unlock_limit"
REQUIRE_DURESS = "require_duress"
POLICY_OPTIONAL = {REQUIRE_UNLOCK_LIMIT: (5, 100), REQUIRE_DURESS: (1, 1)}
POLICY_NAMES = (*POLICY_RANGES, *POLICY_OPTIONAL)
# Numbers: every number an update carries (its own, a receipt's, accept_up_to) fits the trusted comments' 18 digits.
MAX_SEQUENCE = 999_999_999_999_999_999
# A laptop accepts an update numbered at most this much above the last one it took from the same HQ signing key.
SEQUENCE_WINDOW = 1000

_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z"
_KEYID = r"[0-9A-F]{16}"
_HEX64 = r"[0-9a-f]{64}"
_COMMENT_RE = re.compile(rf"^testimony-intake update v1 device=(?P<device>{_KEYID}) seq=(?P<seq>[1-9][0-9]{{0,17}})"
                         rf" sha256=(?P<sha>{_HEX64}) created=(?P<created>{_TIME})$")
_LINK_COMMENT_RE = re.compile(rf"^testimony-intake hq-key-change v1 index=(?P<idx>[1-9][0-9]{{0,5}})"
                              rf" sha256=(?P<sha>{_HEX64})$")
_VOCAB_NAME = re.compile(r"^[a-z][a-z_]{0,39}$")
_VOCAB_CODE = r"[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}"


def is_strict_signature(data: bytes, comment: str) -> bool:
    """Exactly the four LF-terminated lines minisign writes, the first one fixed (hq-update.md §3); the same rule as
    the bundles' .minisig files."""
    return strict_signature(data, comment)


class UpdateMalformed(MalformedError):
    """An update file or one of its parts is not in the format; the message names the part, never a value."""


def device_code(key: PublicKey) -> str:
    """The first two groups of a device key's fingerprint ("04217 88310"): what the laptop shows as its key in the
    status bar and the update dialog, and what HQ's devices page and CLI show beside the key id (hq-update.md §2)."""
    return " ".join(key.fingerprint().split()[:2])


def update_file_name(device: str, seq: int, code: str) -> str:
    """``intake-update-<code, digits and hyphens>-<KEYID>-<SEQ>.update.tar``: the interviewer finds their file by
    the digits their laptop shows; the key id keeps the name unique."""
    return f"intake-update-{code.replace(' ', '-')}-{device}-{seq:06d}.update.tar"


def update_comment(device: str, seq: int, sha256: str, created_at: str) -> str:
    return f"testimony-intake update v1 device={device} seq={seq} sha256={sha256} created={created_at}"


def key_change_comment(index: int, sha256: str) -> str:
    return f"testimony-intake hq-key-change v1 index={index} sha256={sha256}"


@dataclass(frozen=True)
class UpdateComment:
    device: str
    seq: int
    sha256: str
    created_at: str

    @classmethod
    def parse(cls, text: str) -> UpdateComment:
        m = _COMMENT_RE.match(text)
        if m is None:
            raise UpdateMalformed("the update signature's trusted comment is not a Testimony Intake update comment")
        return cls(m["device"], int(m["seq"]), m["sha"], m["created"])


# ---- key changes -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyChange:
    """One link of HQ's key chain. ``previous_signing_key`` signed it; ``signing_key`` (if set) replaces it."""

    index: int
    previous_signing_key: PublicKey
    signing_key: PublicKey | None
    add_recipient: str | None
    retire_recipient: str | None
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {"format": KEY_CHANGE_FORMAT, "version": VERSION, "index": self.index,
                "previous_signing_key": minisign.format_public_key_base64(self.previous_signing_key),
                "signing_key": None if self.signing_key is None else minisign.format_public_key_base64(self.signing_key),
                "add_recipient": self.add_recipient, "retire_recipient": self.retire_recipient,
                "created_at": self.created_at}

    def to_bytes(self) -> bytes:
        return canonical(self.to_json())


@dataclass(frozen=True)
class SignedKeyChange:
    change: KeyChange
    data: bytes  # the exact canonical bytes the signature covers
    signature: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def verify(self, signer: PublicKey) -> None:
        """Raise unless ``signature`` is ``signer``'s over ``data`` with the link's own trusted comment."""
        verified = minisign.verify(signer, self.data, self.signature)
        m = _LINK_COMMENT_RE.match(verified.trusted_comment)
        if m is None or int(m["idx"]) != self.change.index or m["sha"] != self.sha256:
            raise UpdateMalformed("a key change's signature comment does not name that key change")


# ---- the document ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Receipt:
    seq: int
    manifest_sha256: str


@dataclass(frozen=True)
class Revocation:
    device: str
    public_key: str
    revoked_at: str
    accept_up_to: int


@dataclass(frozen=True)
class VocabularyAddition:
    vocabulary: str
    entry: dict[str, Any]

    @property
    def code(self) -> str:
        return str(self.entry["code"])


@dataclass(frozen=True)
class UpdateDoc:
    device: str
    seq: int
    created_at: str
    hq_signing_key: PublicKey
    receipts: tuple[Receipt, ...]
    key_changes: tuple[SignedKeyChange, ...]
    revocations: tuple[Revocation, ...]
    vocabulary: tuple[VocabularyAddition, ...]
    policy: dict[str, int | None]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "version": VERSION, "device": self.device, "sequence": self.seq,
            "created_at": self.created_at,
            "hq_signing_key": minisign.format_public_key_base64(self.hq_signing_key),
            "receipts": [{"sequence": r.seq, "manifest_sha256": r.manifest_sha256} for r in self.receipts],
            "key_changes": [{"change": json.loads(k.data), "signature": k.signature} for k in self.key_changes],
            "revocations": [{"device": r.device, "public_key": r.public_key, "revoked_at": r.revoked_at,
                             "accept_up_to": r.accept_up_to} for r in self.revocations],
            "vocabulary": [{"vocabulary": v.vocabulary, "entry": v.entry} for v in self.vocabulary],
            "policy": policy_json(self.policy),
        }

    def to_bytes(self) -> bytes:
        return canonical(self.to_json())


# ---- strict parsing --------------------------------------------------------------------------------------------------
def _obj(value: Any, keys: set[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict) or set(value) != keys:
        raise UpdateMalformed(f"update: {what} does not have the expected keys")
    return value


def _int(value: Any, what: str, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise UpdateMalformed(f"update: {what} is not a valid number")
    return value


def _str(value: Any, pattern: str, what: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(pattern, value):
        raise UpdateMalformed(f"update: bad {what}")
    return value


def _time(value: Any, what: str) -> str:
    """A time as _TIME spells it that names a real date and time (no month 13, no 24:00, no leap second)."""
    text = _str(value, _TIME, what)
    try:
        dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError:
        raise UpdateMalformed(f"update: bad {what}") from None
    return text


def _version(doc: dict[str, Any], fmt: str) -> bool:
    """The format name and the integer 1 (``true`` equals 1 in Python, and is refused)."""
    return doc["format"] == fmt and type(doc["version"]) is int and doc["version"] == VERSION


def _list(value: Any, limit: int, what: str) -> list[Any]:
    if not isinstance(value, list) or len(value) > limit:
        raise UpdateMalformed(f"update: bad {what} list")
    return value


def _signing_key(value: Any, what: str) -> PublicKey:
    if not isinstance(value, str) or len(value) != 56:
        raise UpdateMalformed(f"update: bad {what}")
    try:
        return minisign.parse_public_key_file(value)
    except CryptoError:
        raise UpdateMalformed(f"update: bad {what}") from None


def _recipient(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.startswith("age1") or len(value) > 100:
        raise UpdateMalformed(f"update: bad {what}")
    try:
        parsed = str(age.parse_recipient(value))
    except CryptoError:
        raise UpdateMalformed(f"update: bad {what}") from None
    if parsed != value:
        raise UpdateMalformed(f"update: {what} is not in canonical form")
    return parsed


def parse_key_change(raw: Any) -> SignedKeyChange:
    item = _obj(raw, {"change", "signature"}, "a key change")
    doc = _obj(item["change"], {"format", "version", "index", "previous_signing_key", "signing_key", "add_recipient",
                                "retire_recipient", "created_at"}, "a key change")
    if not _version(doc, KEY_CHANGE_FORMAT):
        raise UpdateMalformed("update: a key change is not version 1")
    new_key = None if doc["signing_key"] is None else _signing_key(doc["signing_key"], "new signing key")
    change = KeyChange(_int(doc["index"], "key change index", 1, MAX_KEY_CHANGES),
                       _signing_key(doc["previous_signing_key"], "previous signing key"), new_key,
                       _recipient(doc["add_recipient"], "added recipient"),
                       _recipient(doc["retire_recipient"], "retired recipient"),
                       _time(doc["created_at"], "key change time"))
    if change.signing_key is None and change.add_recipient is None and change.retire_recipient is None:
        raise UpdateMalformed("update: a key change changes nothing")
    if change.signing_key is not None and change.signing_key.same_as(change.previous_signing_key):
        raise UpdateMalformed("update: a key change replaces a signing key by itself")
    signature = item["signature"]
    if (not isinstance(signature, str) or len(signature.encode("utf-8")) > MAX_SIGNATURE
            or not is_strict_signature(signature.encode("utf-8"), KEY_CHANGE_SIG_COMMENT)):
        raise UpdateMalformed("update: bad key change signature")
    data = change.to_bytes()
    try:
        same = canonical(doc) == data
    except (ValueError, RecursionError):
        same = False
    if not same:  # the signature covers exactly these bytes: the object must be their canonical spelling
        raise UpdateMalformed("update: a key change is not in canonical form")
    return SignedKeyChange(change, data, signature)


def parse_vocabulary_addition(raw: Any) -> VocabularyAddition:
    """Shape only: the entry's full check (labels, aliases, parent, clashes) is made against the vocabulary it joins,
    when it is applied (intake_app.updates.vocabulary)."""
    item = _obj(raw, {"vocabulary", "entry"}, "a vocabulary addition")
    name = _str(item["vocabulary"], _VOCAB_NAME.pattern, "vocabulary name")
    entry = item["entry"]
    if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
        raise UpdateMalformed("update: a vocabulary addition is not an entry")
    _str(entry["code"], _VOCAB_CODE, "vocabulary code")
    return VocabularyAddition(name, entry)


def _receipts(raw: Any) -> tuple[Receipt, ...]:
    receipts = []
    for r in _list(raw, MAX_RECEIPTS, "receipt"):
        r = _obj(r, {"sequence", "manifest_sha256"}, "a receipt")  # noqa: PLW2901
        receipts.append(Receipt(_int(r["sequence"], "receipt number", 1, MAX_SEQUENCE),
                                _str(r["manifest_sha256"], _HEX64, "receipt manifest hash")))
    if receipts != sorted(set(receipts), key=lambda x: (x.seq, x.manifest_sha256)):
        raise UpdateMalformed("update: receipts are not sorted and unique")
    return tuple(receipts)


def _key_changes(raw: Any) -> tuple[SignedKeyChange, ...]:
    changes = tuple(parse_key_change(k) for k in _list(raw, MAX_KEY_CHANGES, "key change"))
    # The whole chain travels in every update (it is cumulative), so it starts at link 1.
    if [k.change.index for k in changes] != list(range(1, 1 + len(changes))):
        raise UpdateMalformed("update: key changes are not numbered 1, 2, 3 … without gaps")
    return changes


def _revocations(raw: Any) -> tuple[Revocation, ...]:
    revocations = []
    for r in _list(raw, MAX_REVOCATIONS, "revocation"):
        r = _obj(r, {"device", "public_key", "revoked_at", "accept_up_to"}, "a revocation")  # noqa: PLW2901
        key = _signing_key(r["public_key"], "revoked device key")
        device = _str(r["device"], _KEYID, "revoked device")
        if key.key_id_hex != device:
            raise UpdateMalformed("update: a revocation names a key of another device")
        revocations.append(Revocation(device, r["public_key"], _time(r["revoked_at"], "revocation time"),
                                      _int(r["accept_up_to"], "revocation bundle number", 0, MAX_SEQUENCE)))
    if [r.device for r in revocations] != sorted({r.device for r in revocations}):
        raise UpdateMalformed("update: revocations are not sorted and unique")
    return tuple(revocations)


def _vocabulary(raw: Any) -> tuple[VocabularyAddition, ...]:
    vocab = [parse_vocabulary_addition(v) for v in _list(raw, MAX_VOCABULARY, "vocabulary")]
    if [(v.vocabulary, v.code) for v in vocab] != sorted({(v.vocabulary, v.code) for v in vocab}):
        raise UpdateMalformed("update: vocabulary additions are not sorted and unique")
    return tuple(vocab)


def policy_json(policy: dict[str, int | None]) -> dict[str, Any]:
    """The ``policy`` object: both minimums always (null: unset), a requirement only when set."""
    out: dict[str, Any] = {name: policy.get(name) for name in POLICY_RANGES}
    if policy.get(REQUIRE_UNLOCK_LIMIT) is not None:
        out[REQUIRE_UNLOCK_LIMIT] = policy[REQUIRE_UNLOCK_LIMIT]
    if policy.get(REQUIRE_DURESS):
        out[REQUIRE_DURESS] = True
    return out


def _policy(raw: Any) -> dict[str, int | None]:
    if not isinstance(raw, dict) or not set(POLICY_RANGES) <= set(raw) <= set(POLICY_NAMES):
        raise UpdateMalformed("update: policy does not have the expected keys")
    policy: dict[str, int | None] = {
        name: None if raw[name] is None else _int(raw[name], f"policy {name}", low, high)
        for name, (low, high) in POLICY_RANGES.items()}
    low, high = POLICY_OPTIONAL[REQUIRE_UNLOCK_LIMIT]
    # Present means set: null is refused, so that each policy has one spelling (its hash is well defined).
    policy[REQUIRE_UNLOCK_LIMIT] = (_int(raw[REQUIRE_UNLOCK_LIMIT], f"policy {REQUIRE_UNLOCK_LIMIT}", low, high)
                                    if REQUIRE_UNLOCK_LIMIT in raw else None)
    if REQUIRE_DURESS in raw and raw[REQUIRE_DURESS] is not True:
        raise UpdateMalformed(f"update: policy {REQUIRE_DURESS} is not true")
    policy[REQUIRE_DURESS] = 1 if REQUIRE_DURESS in raw else None
    return policy


def parse_doc(data: bytes) -> UpdateDoc:
    """Parse and check ``update.json``; it must be canonical, so its hash is well defined. Signature not checked."""
    if len(data) > MAX_DOC:
        raise UpdateMalformed("update: update.json is too large")
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UpdateMalformed("update: update.json is not valid JSON") from None
    doc = _obj(obj, {"format", "version", "device", "sequence", "created_at", "hq_signing_key", "receipts",
                     "key_changes", "revocations", "vocabulary", "policy"}, "update.json")
    if not _version(doc, FORMAT):
        raise UpdateMalformed("update: not a version 1 Testimony Intake HQ update")
    try:
        canonical_bytes = canonical(doc)
    except (ValueError, RecursionError):  # NaN or Infinity, which json.loads accepts and canonical JSON has not
        raise UpdateMalformed("update: update.json is not in canonical form") from None
    if canonical_bytes != data:
        raise UpdateMalformed("update: update.json is not in canonical form")
    parsed = UpdateDoc(_str(doc["device"], _KEYID, "device"), _int(doc["sequence"], "sequence", 1, MAX_SEQUENCE),
                       _time(doc["created_at"], "created_at"), _signing_key(doc["hq_signing_key"], "HQ signing key"),
                       _receipts(doc["receipts"]), _key_changes(doc["key_changes"]), _revocations(doc["revocations"]),
                       _vocabulary(doc["vocabulary"]), _policy(doc["policy"]))
    if any(r.device == parsed.device for r in parsed.revocations):
        # HQ never lists the device an update is for (a revoked device gets no updates): such a file is refused
        # whole; the laptop learns of its revocation from its coordinator, not from a file anyone could replay.
        raise UpdateMalformed("update: it lists the device it is for among the revoked devices")
    return parsed

