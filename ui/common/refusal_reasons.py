"""Why a bundle was refused (and what an import or a verification warns about), in the user's language.

The core reports refusals in English (they also go to the CLI and the refusal table). The known phrasings are matched
here and re-worded through ``tr``; parts that vary (a key id, a file name, a date) are carried over, cleaned of control
and bidi characters since they come from the bundle. An unknown message is shown as given, never as a traceback.
"""

from __future__ import annotations

import re

from intake_app.display import clean_text
from ui.i18n import N_, tr

# Pattern (matched against the whole message) → translatable text with the pattern's named groups as placeholders.
_REASONS: dict[str, str] = {
    r"the signature does not match the file: it was altered or signed by another key":
        N_("The signature does not match the file: the bundle was altered, or signed by another key."),
    r"the bundle is signed by an unknown device key (?P<key>[0-9A-F]+): enrol the device first":
        N_("The bundle is signed by device key {key}, which is not enrolled here. Enrol the device first."),
    r"the bundle is signed by key (?P<key>[0-9A-F]+), not by the given device key (?P<expected>[0-9A-F]+)":
        N_("The bundle is signed by key {key}, not by the device key {expected}."),
    r"the bundle is incomplete: (?P<name>.+) is missing":
        N_("The bundle is incomplete: {name} is missing."),
    r"the bundle has an unexpected member (?P<found>.+) where (?P<name>.+) belongs":
        N_("The bundle holds an unexpected file {found} where {name} belongs."),
    r"the bundle has members after the leaves":
        N_("The bundle holds extra files after its last expected part."),
    r"the checkpoint does not match the log named in the payload signature .*":
        N_("The checkpoint does not match the log named in the signature: parts of two bundles were combined."),
    r"the bundle's signed comment names another device than the key that signed it":
        N_("The bundle's signed details name another device than the key that signed it."),
    r"the bundle was not encrypted for this HQ .*":
        N_("The bundle was not encrypted for this headquarters (another HQ key?)."),
    r"this HQ is not among the bundle's named recipients .*":
        N_("This headquarters is not among the bundle's named recipients: it was re-encrypted or forwarded."),
    r"the device was revoked on (?P<when>\S+) \((?P<reason>.*)\); this bundle was made after that":
        N_("The device was revoked on {when} ({reason}); this bundle was made after that."),
    r"the manifest inside is not the one the outer signature names .*":
        N_("The contents are not the ones the outer signature names (payload swapped?)."),
    r"the inner signature was made for another bundle":
        N_("The inner signature was made for another bundle."),
    r"the manifest and the outer signature disagree about the bundle":
        N_("The inner manifest and the outer signature disagree about the bundle."),
    r"(?P<name>\S+) does not match its hash in the manifest":
        N_("{name} does not match its hash in the manifest: the contents were altered."),
    r"the encrypted archive does not match its manifest at (?P<name>.+)":
        N_("The encrypted contents do not match their manifest at {name}."),
    r"the encrypted archive holds files its manifest does not name":
        N_("The encrypted contents hold files their manifest does not name."),
    r"the leaves do not hash to the checkpoint's root: the log was altered":
        N_("The audit log entries do not match the signed checkpoint: the log was altered."),
    r"the leaves file has .*":
        N_("The audit log entries do not match the number the checkpoint names."),
    r"a signature file in the bundle was altered .*":
        N_("A signature file in the bundle was altered."),
    r"the trusted comment of the signature was altered .*":
        N_("The signed details of the bundle were altered."),
    r"the signature was not made for this checkpoint .*":
        N_("The checkpoint's signature was made for another checkpoint."),
    r"bundles (?P<first>\d+)\.\.(?P<last>\d+) are missing: verify them first":
        N_("Bundles {first} to {last} from this device are missing: verify them first."),
    r"FORK: another bundle numbered (?P<seq>\d+) from this device was verified before .*":
        N_("FORK: another bundle numbered {seq} from this device was verified before (a restored or cloned laptop?)."),
    r"bundle (?P<seq>\d+) arrives after bundle (?P<last>\d+) and was not seen before":
        N_("Bundle {seq} arrives after bundle {last} and was not seen before (a restored or cloned laptop?)."),
    r"the device's audit log did not only grow since the previous bundle.*":
        N_("The device's audit log did not only grow since the previous bundle: entries were changed or removed."),
    r"first bundle seen from device (?P<device>[0-9A-F]+) \(number (?P<seq>\d+)\)":
        N_("First bundle seen from device {device} (number {seq})."),
    r"follows bundle (?P<seq>\d+); the audit log only grew":
        N_("Follows bundle {seq}; the device's audit log only grew."),
    r"bundle (?P<seq>\d+) was already verified \(the same bundle again\)":
        N_("Bundle {seq} was already verified (the same bundle again)."),
    r"the bundle is signed by key (?P<key>[0-9A-F]+), which is not among the trusted device keys":
        N_("The bundle is signed by key {key}, which is not among the trusted device keys."),
    r"missing bundles from this device: (?P<numbers>[0-9, ]+)":
        N_("Bundles missing from this device: {numbers}."),
    r"FORK: bundles with the same number but different content: (?P<numbers>[0-9, ]+)":
        N_("FORK: bundles with the same number but different content: {numbers} (a restored or cloned laptop?)."),
    r"bundles that do not follow the one before: (?P<numbers>[0-9, ]+)":
        N_("Bundles that do not follow the one before: {numbers}."),
    r"the device's audit log was rewritten \(restored laptop\?\) in bundles (?P<numbers>[0-9, ]+)":
        N_("The device's audit log was rewritten (restored laptop?) in bundles {numbers}."),
    r"(?P<count>\d+) testimonies have conflicting edits to resolve .*":
        N_("Testimonies with conflicting edits to resolve: {count} (see Conflicts)."),
    r"archive: .*":
        N_("The file is not a well-formed bundle archive (damaged or altered)."),
    r"age header: .*":
        N_("The encrypted contents are damaged or altered."),
    r"cannot read .*":
        N_("The file cannot be read."),
    # Issue 29: core messages an interviewer meets, never in English inside a Korean or Japanese screen.
    r"this update is for device (?P<device>\S+), not for this laptop \((?P<own>[^)]*)\)":
        N_("This update is for another laptop (device {device}); this laptop is {own}."),
    r"no testimony with id (?P<id>\S+)":
        N_("There is no testimony with id {id}."),
    r"wrong passphrase":
        N_("The passphrase is wrong."),
    r"the failed-unlock record of this vault was altered or removed: .*":
        N_("The vault's record of failed unlocks was altered or removed: as its failed-unlock limit requires, the "
           "vault erased itself."),
    r"headquarters requires a failed-unlock limit of at most (?P<n>\d+) on this laptop; nothing was changed":
        N_("Headquarters requires a failed-unlock limit of at most {n} on this laptop; nothing was changed."),
}
_COMPILED = {pattern: re.compile(pattern, re.DOTALL) for pattern in _REASONS}


def translate_reason(message: str) -> str:
    """The refusal ``message`` from the core in the current language; unknown messages as given (cleaned)."""
    text = clean_text(message).strip()
    for pattern, regex in _COMPILED.items():
        match = regex.fullmatch(text)
        if match is not None:
            return tr(_REASONS[pattern], **match.groupdict())
    return text
