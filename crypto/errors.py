"""Exceptions raised by the crypto package.

Every failure a user can cause (wrong secret, tampered or malformed input) is a :class:`CryptoError` with a message
fit to show as is. Messages never contain secret material or decrypted content.
"""


class CryptoError(Exception):
    """Base class: an operation was refused on the merits of its input."""


class MalformedError(CryptoError):
    """The input does not follow the expected format (truncated, bad encoding, wrong field types)."""


class AuthenticationError(CryptoError):
    """A secret did not match, or an authenticated ciphertext / MAC / signature failed to verify."""


class WrongSecretError(AuthenticationError):
    """The secret opened no key slot (as opposed to a slot that opened but whose file was altered)."""


class UnsupportedError(CryptoError):
    """The input is well formed but uses a feature this implementation deliberately does not support."""


class WeakParametersError(CryptoError):
    """Key-derivation parameters are below the accepted floor."""
