"""Sign-in and roles, without Streamlit: settings, password hashes, failed-attempt limits, idle
timeout and the role rules. ``ui/auth.py`` is the Streamlit glue; SECURITY.md explains the design.

Every function that depends on time takes ``now`` (seconds, e.g. ``time.monotonic()``), so the tests
drive a fake clock.
"""

from __future__ import annotations

import ipaddress
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, cast

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

Role = Literal["analyst", "partner", "admin"]
#: The roles, least privileged first (the order of the sign-in form).
ROLES: tuple[Role, ...] = ("partner", "analyst", "admin")
#: Pages only the admin (or an open app) may open: importing and deleting datasets.
ADMIN_PAGES: frozenset[str] = frozenset({"pages/import.py"})
#: The key for a client whose address is unknown or loopback (every such session shares it).
LOCAL_CLIENT = "(local)"

_HASHER = PasswordHasher()  # argon2id with the library's defaults (RFC 9106 low-memory profile)


# --- password hashes -------------------------------------------------------------------------------

def hash_password(password: str) -> str:
    """The Argon2id hash of ``password`` (salted: two calls give two different strings).

    >>> hash_password("correct horse").startswith("$argon2id$")
    True
    """
    if not password:
        raise ValueError("password: expected at least one character, got an empty password")
    return _HASHER.hash(password)


def verify_password(hashed: str, password: str) -> bool:
    """True when ``password`` matches the Argon2 ``hashed``; False for a wrong password or a string
    that is not an Argon2 hash (never raises for either)."""
    try:
        return _HASHER.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# --- settings ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AttemptLimits:
    """Failed sign-in limits. After ``delay_after`` failures each further try must wait
    ``delay_seconds`` after the last failure; after ``lockout_after`` failures no try is accepted for
    ``lockout_seconds``. Failures are forgotten ``lockout_seconds`` after the last one."""

    delay_after: int = 3
    delay_seconds: float = 5.0
    lockout_after: int = 10
    lockout_seconds: float = 900.0

    def __post_init__(self) -> None:
        if not 1 <= self.delay_after <= self.lockout_after:
            raise ValueError(
                f"[auth] delay_after/lockout_after: expected 1 <= delay_after <= lockout_after, "
                f"got {self.delay_after} and {self.lockout_after}"
            )
        if self.delay_seconds < 0 or self.lockout_seconds <= 0:
            raise ValueError(
                f"[auth] delay_seconds must be >= 0 and lockout_minutes > 0, got {self.delay_seconds} "
                f"and {self.lockout_seconds / 60:g} min"
            )


@dataclass(frozen=True)
class AuthSettings:
    """The ``[auth]`` section of ``.streamlit/secrets.toml``, checked (see :func:`settings_from_secrets`)."""

    mode: Literal["password", "oidc"]
    passwords: Mapping[str, str] = field(default_factory=dict)
    emails: Mapping[str, frozenset[str]] = field(default_factory=dict)
    role_claim: str | None = None
    provider: str | None = None
    idle_seconds: float = 1800.0
    limits: AttemptLimits = field(default_factory=AttemptLimits)
    trusted_proxies: tuple[str, ...] = ()
    max_clients: int = 10_000


_OIDC_KEYS = ("client_id", "server_metadata_url")


def _number(section: Mapping[str, Any], key: str, default: float) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"[auth] {key}: expected a number, got {value!r}")
    return float(value)


def settings_from_secrets(section: Mapping[str, Any] | None) -> AuthSettings | None:
    """The sign-in settings from the secrets' ``[auth]`` table; None when there is none (open app).

    Password mode: ``[auth.passwords]`` maps a role to its Argon2 hash. OIDC mode (Streamlit's
    ``st.login``): ``client_id`` and ``server_metadata_url`` in ``[auth]`` or in ``[auth.<provider>]``
    with ``provider = "<name>"``, and roles from ``[auth.roles]`` (a list of emails per role) and/or
    ``role_claim`` (the name of an ID-token claim holding the role). Raises ValueError naming the key
    for anything it cannot use: a sign-in that is configured but broken must not fall open.
    """
    if section is None:
        return None
    section = {k: section[k] for k in section}
    if not section:
        return None
    common: dict[str, Any] = {
        "idle_seconds": _number(section, "idle_minutes", 30) * 60,
        "limits": AttemptLimits(
            delay_after=int(_number(section, "delay_after", 3)),
            delay_seconds=_number(section, "delay_seconds", 5),
            lockout_after=int(_number(section, "lockout_after", 10)),
            lockout_seconds=_number(section, "lockout_minutes", 15) * 60,
        ),
        "trusted_proxies": tuple(_strings(section, "trusted_proxies")),
        "max_clients": int(_number(section, "max_clients", 10_000)),
    }
    if common["idle_seconds"] <= 0:
        raise ValueError(f"[auth] idle_minutes: expected more than 0, got {section['idle_minutes']!r}")
    passwords = section.get("passwords")
    provider = section.get("provider")
    oidc = any(k in section for k in _OIDC_KEYS) or provider is not None
    if passwords is not None and oidc:
        raise ValueError("[auth]: both [auth.passwords] and OIDC keys are set; configure one way to sign in")
    if passwords is not None:
        if not isinstance(passwords, Mapping) or not passwords:
            raise ValueError("[auth.passwords]: expected a table of role = \"<hash>\", got none")
        hashes = {}
        for role, hashed in passwords.items():
            if role not in ROLES:
                raise ValueError(f"[auth.passwords] {role}: unknown role; expected one of {', '.join(ROLES)}")
            if not isinstance(hashed, str) or not hashed.startswith("$argon2"):
                raise ValueError(
                    f"[auth.passwords] {role}: expected an Argon2 hash from `python -m csp_data hash-password`, "
                    "never the password itself"
                )
            hashes[role] = hashed
        return AuthSettings(mode="password", passwords=hashes, **common)
    if not oidc:
        raise ValueError(
            "[auth]: no way to sign in is configured; add [auth.passwords] or the OIDC keys "
            "(see .streamlit/secrets.example.toml), or remove [auth] to run open"
        )
    if provider is not None and (not isinstance(provider, str) or "_" in provider or provider not in section):
        raise ValueError(f"[auth] provider: expected the name of an [auth.<name>] table without '_', got {provider!r}")
    roles = section.get("roles", {})
    if not isinstance(roles, Mapping):
        raise ValueError("[auth.roles]: expected a table of role = [\"email\", ...]")
    emails = {}
    for role in roles:
        if role not in ROLES:
            raise ValueError(f"[auth.roles] {role}: unknown role; expected one of {', '.join(ROLES)}")
        emails[role] = frozenset(e.strip().lower() for e in _strings(roles, role, where="[auth.roles]"))
    claim = section.get("role_claim")
    if claim is not None and not isinstance(claim, str):
        raise ValueError(f"[auth] role_claim: expected a claim name, got {claim!r}")
    if not emails and claim is None:
        raise ValueError("[auth]: OIDC needs [auth.roles] (emails per role) or role_claim to give anyone a role")
    return AuthSettings(mode="oidc", emails=emails, role_claim=claim, provider=provider, **common)


def _strings(section: Mapping[str, Any], key: str, *, where: str = "[auth]") -> list[str]:
    value = section.get(key, [])
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} {key}: expected a list of strings, got {value!r}")
    return list(value)


# --- roles ----------------------------------------------------------------------------------------

def role_for_user(
    user: Mapping[str, Any], *, emails: Mapping[str, frozenset[str]], role_claim: str | None
) -> Role | None:
    """The role of an OIDC user (the claims of ``st.user``), or None when they have none.

    The claim wins when it names a role; else the email lists. A user with several roles gets the most
    privileged. An email the provider says is unverified (``email_verified`` false) gives no role.

    >>> role_for_user({"email": "A@x.gov.uk"}, emails={"partner": frozenset({"a@x.gov.uk"})}, role_claim=None)
    'partner'
    """
    found: set[str] = set()
    if role_claim is not None:
        claimed = user.get(role_claim)
        values = [claimed] if isinstance(claimed, str) else list(claimed) if isinstance(claimed, list) else []
        found = {v for v in values if v in ROLES}
    email = user.get("email")
    if not found and isinstance(email, str) and user.get("email_verified", True) is not False:
        found = {role for role, members in emails.items() if email.strip().lower() in members}
    for role in reversed(ROLES):  # most privileged first
        if role in found:
            return role
    return None


def can_manage_datasets(role: str | None) -> bool:
    """Import, upload or delete datasets: the admin, or anyone when no sign-in is configured."""
    return role is None or role == "admin"


def can_export_raw_rows(role: str | None) -> bool:
    """Download incident-level rows (raw records): everyone but a partner."""
    return role != "partner"


def can_edit_fund(role: str | None) -> bool:
    """Add, edit or decline partnership-fund bids: the analyst and the admin (or anyone when no sign-in
    is configured); a partner may view the ledger, not change it."""
    return role != "partner"


def partner_safe_forced(role: str | None) -> bool:
    """Partner-safe mode is on and cannot be switched off: the partner role."""
    return role == "partner"


def allowed_pages(role: str | None, pages: Iterable[str]) -> list[str]:
    """The page paths (``"pages/home.py"``) ``role`` may open, in the given order: all of them for the
    admin or an open app; all but the :data:`ADMIN_PAGES` for anyone else."""
    return [p for p in pages if can_manage_datasets(role) or p not in ADMIN_PAGES]


# --- idle timeout ---------------------------------------------------------------------------------

def idle_expired(last_activity: float | None, now: float, idle_seconds: float) -> bool:
    """True when more than ``idle_seconds`` passed since ``last_activity`` (None: never active).

    >>> idle_expired(100.0, 1900.0, 1800.0), idle_expired(100.0, 1901.0, 1800.0)
    (False, True)
    """
    return last_activity is not None and now - last_activity > idle_seconds


# --- failed attempts --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Attempts:
    """The failures counted for one session or one client address."""

    failures: int = 0
    last_failure: float | None = None


@dataclass(frozen=True)
class Verdict:
    """Whether a sign-in try may be checked now; if not, why and for how many more seconds."""

    allowed: bool
    reason: Literal["", "delay", "locked"] = ""
    wait_seconds: float = 0.0


def _current(attempts: Attempts, now: float, limits: AttemptLimits) -> Attempts:
    """``attempts`` with failures forgotten once ``lockout_seconds`` passed since the last one."""
    if attempts.last_failure is not None and now - attempts.last_failure >= limits.lockout_seconds:
        return Attempts()
    return attempts


def check_attempt(attempts: Attempts, now: float, limits: AttemptLimits) -> Verdict:
    """May a try be checked at ``now``? Locked after ``lockout_after`` failures, until
    ``lockout_seconds`` after the last; after ``delay_after`` failures, not before ``delay_seconds``
    after the last."""
    a = _current(attempts, now, limits)
    if a.last_failure is None:
        return Verdict(True)
    since = now - a.last_failure
    if a.failures >= limits.lockout_after:
        return Verdict(False, "locked", limits.lockout_seconds - since)
    if a.failures >= limits.delay_after and since < limits.delay_seconds:
        return Verdict(False, "delay", limits.delay_seconds - since)
    return Verdict(True)


def record_failure(attempts: Attempts, now: float, limits: AttemptLimits) -> Attempts:
    """``attempts`` with one more failure at ``now`` (a new value; the argument is unchanged)."""
    a = _current(attempts, now, limits)
    return replace(a, failures=a.failures + 1, last_failure=now)


def stricter(*verdicts: Verdict) -> Verdict:
    """The verdict that blocks longest (a lockout over a delay over allowed)."""
    blocked = [v for v in verdicts if not v.allowed]
    if not blocked:
        return Verdict(True)
    return max(blocked, key=lambda v: (v.reason == "locked", v.wait_seconds))


class AttemptStore:
    """Failures per client address, shared by every session of the process (thread-safe, bounded).

    Holds at most ``max_entries`` addresses; past that the one whose last failure is oldest is
    forgotten, so a flood of addresses cannot grow memory without bound. One instance per process
    (``ui.cache.attempt_store``).
    """

    def __init__(self, max_entries: int = 10_000) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries: expected at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, Attempts] = OrderedDict()

    def get(self, key: str) -> Attempts:
        """The failures counted for ``key`` (none when it was never seen or was forgotten)."""
        with self._lock:
            return self._entries.get(key, Attempts())

    def check(self, key: str, now: float, limits: AttemptLimits) -> Verdict:
        """:func:`check_attempt` for ``key``."""
        return check_attempt(self.get(key), now, limits)

    def fail(self, key: str, now: float, limits: AttemptLimits) -> Attempts:
        """Count one failure for ``key`` at ``now``; the new count."""
        with self._lock:
            updated = record_failure(self._entries.get(key, Attempts()), now, limits)
            self._entries[key] = updated
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
            return updated

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        """Forget every address (tests, or an administrator's restart)."""
        with self._lock:
            self._entries.clear()


def client_address(remote_ip: str | None, forwarded_for: str | None, trusted_proxies: Sequence[str]) -> str:
    """The address failures are counted under.

    ``remote_ip`` is the connection's peer (Streamlit gives None for loopback). ``X-Forwarded-For`` is
    believed only when the peer is one of ``trusted_proxies`` (a proxy on this machine is
    ``"127.0.0.1"``); then the client is the right-most address in it that is not itself a trusted
    proxy, because a client can write anything to the left. Otherwise, and for a malformed header,
    the peer is the client.

    >>> client_address(None, "203.0.113.9, 198.51.100.1", ["127.0.0.1"])
    '198.51.100.1'
    >>> client_address("198.51.100.7", "203.0.113.9", ["127.0.0.1"])
    '198.51.100.7'
    """
    peer = remote_ip or LOCAL_CLIENT
    if not forwarded_for or not _is_trusted(remote_ip, trusted_proxies):
        return peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",")]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not _is_trusted(hop, trusted_proxies):
            return hop
    return peer


def _is_trusted(ip: str | None, trusted: Sequence[str]) -> bool:
    if ip is None:  # Streamlit reports a loopback peer as None
        return any(t in ("127.0.0.1", "::1", "localhost") for t in trusted)
    try:
        address = ipaddress.ip_address(ip)
        return any(address in ipaddress.ip_network(t, strict=False) for t in trusted if t != "localhost")
    except ValueError:
        return False


def wait_text(seconds: float) -> str:
    """A wait for a person: "12 seconds", "15 minutes".

    >>> wait_text(0.2), wait_text(12.1), wait_text(899)
    ('1 second', '13 seconds', '15 minutes')
    """
    s = max(1, int(-(-seconds // 1)))
    if s < 120:
        return f"{s} second{'s' if s != 1 else ''}"
    return f"{int(-(-s // 60))} minutes"


def cast_role(value: object) -> Role | None:
    """``value`` when it is a role name, else None (session state is untyped)."""
    return cast(Role, value) if value in ROLES else None
