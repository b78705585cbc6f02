"""csp_data.auth: hashes, settings, failed-attempt limits (fake clock), idle timeout, role rules."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from csp_data.auth import (
    ADMIN_PAGES,
    LOCAL_CLIENT,
    AttemptLimits,
    Attempts,
    AttemptStore,
    Verdict,
    allowed_pages,
    can_export_raw_rows,
    can_manage_datasets,
    check_attempt,
    client_address,
    hash_password,
    idle_expired,
    partner_safe_forced,
    record_failure,
    role_for_user,
    settings_from_secrets,
    stricter,
    verify_password,
    wait_text,
)

ROOT = Path(__file__).resolve().parents[1]

# delay from the 2nd failure (3 s after the last), lockout from the 4th (60 s after the last)
LIMITS = AttemptLimits(delay_after=2, delay_seconds=3, lockout_after=4, lockout_seconds=60)


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password("correct horse battery")


# --- checks inputs ------------------------------------------------------------------------------------

def test_hash_is_argon2id_and_salted(hashed):
    assert hashed.startswith("$argon2id$")
    assert "correct horse" not in hashed
    assert hash_password("correct horse battery") != hashed  # a fresh salt each time


def test_verify_accepts_the_password_and_nothing_else(hashed):
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "correct horse battery ")
    assert not verify_password(hashed, "")
    assert not verify_password("not a hash", "correct horse battery")
    assert not verify_password("$argon2id$v=19$broken", "x")


def test_empty_password_is_refused():
    with pytest.raises(ValueError, match="empty password"):
        hash_password("")


def test_no_auth_section_means_open():
    assert settings_from_secrets(None) is None
    assert settings_from_secrets({}) is None


def test_password_settings_and_defaults(hashed):
    conf = settings_from_secrets({"passwords": {"partner": hashed}, "idle_minutes": 20, "lockout_minutes": 5})
    assert conf is not None
    assert conf.mode == "password"
    assert dict(conf.passwords) == {"partner": hashed}
    assert conf.idle_seconds == 1200
    assert conf.limits == AttemptLimits(delay_after=3, delay_seconds=5, lockout_after=10, lockout_seconds=300)
    assert conf.trusted_proxies == ()


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"passwords": {"boss": "$argon2id$x"}}, r"\[auth.passwords\] boss: unknown role"),
        ({"passwords": {"partner": "hunter2"}}, "never the password itself"),
        ({"passwords": {}}, "expected a table"),
        ({"idle_minutes": 30}, "no way to sign in is configured"),
        ({"passwords": {"partner": "$argon2id$x"}, "client_id": "x"}, "configure one way"),
        ({"passwords": {"partner": "$argon2id$x"}, "idle_minutes": "ten"}, "idle_minutes: expected a number"),
        ({"passwords": {"partner": "$argon2id$x"}, "idle_minutes": 0}, "idle_minutes: expected more than 0"),
        ({"passwords": {"partner": "$argon2id$x"}, "delay_after": 5, "lockout_after": 3}, "delay_after <= lockout_after"),
        ({"passwords": {"partner": "$argon2id$x"}, "trusted_proxies": "127.0.0.1"}, "trusted_proxies: expected a list"),
        ({"client_id": "x", "server_metadata_url": "u"}, r"\[auth.roles\] \(emails per role\) or role_claim"),
        ({"client_id": "x", "roles": {"viewer": ["a@b"]}}, r"\[auth.roles\] viewer: unknown role"),
        ({"client_id": "x", "roles": {"partner": "a@b"}}, r"\[auth.roles\] partner: expected a list"),
        ({"provider": "my_idp", "my_idp": {}, "role_claim": "roles"}, "provider: expected the name"),
        ({"provider": "entra", "role_claim": "roles"}, "provider: expected the name"),
    ],
)
def test_bad_settings_name_the_key(section, message):
    with pytest.raises(ValueError, match=message):
        settings_from_secrets(section)


def test_oidc_settings():
    conf = settings_from_secrets({
        "redirect_uri": "https://csp.example/oauth2callback", "cookie_secret": "s", "provider": "entra",
        "entra": {"client_id": "x"}, "roles": {"analyst": [" A@Council.gov.uk "], "admin": []},
        "role_claim": "csp_role",
    })
    assert conf is not None
    assert conf.mode == "oidc"
    assert conf.provider == "entra"
    assert conf.emails == {"analyst": frozenset({"a@council.gov.uk"}), "admin": frozenset()}
    assert conf.role_claim == "csp_role"


# --- roles --------------------------------------------------------------------------------------------

EMAILS = {
    "partner": frozenset({"p@partner.org", "both@council.gov.uk"}),
    "analyst": frozenset({"a@council.gov.uk", "both@council.gov.uk"}),
    "admin": frozenset({"it@council.gov.uk"}),
}


@pytest.mark.parametrize(
    ("user", "claim", "expected"),
    [
        ({"email": "p@partner.org"}, None, "partner"),
        ({"email": "A@Council.gov.uk"}, None, "analyst"),
        ({"email": "both@council.gov.uk"}, None, "analyst"),  # the more privileged of two
        ({"email": "it@council.gov.uk", "email_verified": True}, None, "admin"),
        ({"email": "it@council.gov.uk", "email_verified": False}, None, None),  # unverified: no role
        ({"email": "stranger@else.org"}, None, None),
        ({}, None, None),
        ({"email": "stranger@else.org", "csp_role": "partner"}, "csp_role", "partner"),
        ({"email": "p@partner.org", "csp_role": ["partner", "admin"]}, "csp_role", "admin"),
        ({"email": "p@partner.org", "csp_role": "superuser"}, "csp_role", "partner"),  # unknown claim: emails
        ({"email": "stranger@else.org", "csp_role": 3}, "csp_role", None),
    ],
)
def test_role_for_user(user, claim, expected):
    assert role_for_user(user, emails=EMAILS, role_claim=claim) == expected


def test_role_rules():
    assert [can_manage_datasets(r) for r in (None, "partner", "analyst", "admin")] == [True, False, False, True]
    assert [can_export_raw_rows(r) for r in (None, "partner", "analyst", "admin")] == [True, False, True, True]
    assert [partner_safe_forced(r) for r in (None, "partner", "analyst", "admin")] == [False, True, False, False]


def test_allowed_pages_drop_import_for_all_but_admin():
    pages = ["pages/home.py", "pages/import.py", "pages/data.py"]
    assert "pages/import.py" in ADMIN_PAGES
    assert allowed_pages(None, pages) == pages
    assert allowed_pages("admin", pages) == pages
    assert allowed_pages("analyst", pages) == ["pages/home.py", "pages/data.py"]
    assert allowed_pages("partner", pages) == ["pages/home.py", "pages/data.py"]


# --- idle timeout -------------------------------------------------------------------------------------

def test_idle_timeout():
    assert not idle_expired(None, 10_000.0, 60)
    assert not idle_expired(1000.0, 1060.0, 60)  # exactly the idle time: still in
    assert idle_expired(1000.0, 1060.5, 60)
    assert not idle_expired(1000.0, 1000.0, 60)


# --- failed attempts (fake clock: plain numbers) ------------------------------------------------------

def test_delay_then_lockout_then_forgotten():
    a = Attempts()
    assert check_attempt(a, 0.0, LIMITS) == Verdict(True)
    a = record_failure(a, 0.0, LIMITS)  # 1 failure: no delay yet
    assert check_attempt(a, 0.1, LIMITS) == Verdict(True)
    a = record_failure(a, 1.0, LIMITS)  # 2 failures: wait 3 s after the last
    assert check_attempt(a, 2.0, LIMITS) == Verdict(False, "delay", 2.0)
    assert check_attempt(a, 4.0, LIMITS) == Verdict(True)
    a = record_failure(a, 4.0, LIMITS)  # 3
    assert check_attempt(a, 6.5, LIMITS) == Verdict(False, "delay", 0.5)
    a = record_failure(a, 7.0, LIMITS)  # 4: locked until 60 s after the last failure
    assert a == Attempts(failures=4, last_failure=7.0)
    assert check_attempt(a, 8.0, LIMITS) == Verdict(False, "locked", 59.0)
    assert check_attempt(a, 66.0, LIMITS) == Verdict(False, "locked", 1.0)
    assert check_attempt(a, 67.0, LIMITS) == Verdict(True)  # the lockout is over and the count forgotten
    assert record_failure(a, 67.0, LIMITS) == Attempts(failures=1, last_failure=67.0)


def test_record_failure_returns_a_new_value():
    a = Attempts()
    b = record_failure(a, 5.0, LIMITS)
    assert a == Attempts() and b == Attempts(1, 5.0)


def test_stricter_prefers_a_lockout_then_the_longer_wait():
    ok, delay, locked = Verdict(True), Verdict(False, "delay", 2.0), Verdict(False, "locked", 1.0)
    assert stricter(ok, ok) == ok
    assert stricter(ok, delay) == delay
    assert stricter(delay, locked) == locked
    assert stricter(Verdict(False, "delay", 1.0), delay) == delay


def test_store_counts_per_address_across_sessions():
    store = AttemptStore(max_entries=10)
    # two sessions from one address: one failure each; the address has two, so it is delayed
    store.fail("198.51.100.7", 0.0, LIMITS)
    store.fail("198.51.100.7", 0.5, LIMITS)
    assert store.get("198.51.100.7") == Attempts(2, 0.5)
    assert store.check("198.51.100.7", 1.5, LIMITS) == Verdict(False, "delay", 2.0)
    assert store.check("203.0.113.1", 1.5, LIMITS) == Verdict(True)  # another address is not affected
    for t in (4.0, 8.0):
        store.fail("198.51.100.7", t, LIMITS)
    assert store.check("198.51.100.7", 9.0, LIMITS) == Verdict(False, "locked", 59.0)


def test_store_is_bounded_and_forgets_the_oldest():
    store = AttemptStore(max_entries=2)
    store.fail("a", 0.0, LIMITS)
    store.fail("b", 1.0, LIMITS)
    store.fail("a", 2.0, LIMITS)  # "a" is now the most recent
    store.fail("c", 3.0, LIMITS)
    assert len(store) == 2
    assert store.get("b") == Attempts()
    assert store.get("a") == Attempts(2, 2.0)
    with pytest.raises(ValueError, match="max_entries: expected at least 1, got 0"):
        AttemptStore(max_entries=0)


def test_store_is_thread_safe():
    store = AttemptStore(max_entries=100)
    limits = AttemptLimits(delay_after=1, delay_seconds=0, lockout_after=10_000, lockout_seconds=1e9)
    threads = [threading.Thread(target=lambda: [store.fail("x", 1.0, limits) for _ in range(200)]) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get("x").failures == 1600


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        (None, None, [], LOCAL_CLIENT),
        ("198.51.100.7", None, [], "198.51.100.7"),
        ("198.51.100.7", "203.0.113.9", [], "198.51.100.7"),  # header not trusted: ignored
        (None, "203.0.113.9", [], LOCAL_CLIENT),  # a local peer that is not listed is not believed
        (None, "203.0.113.9", ["127.0.0.1"], "203.0.113.9"),  # nginx on loopback
        ("10.0.0.2", "1.2.3.4, 203.0.113.9", ["10.0.0.0/8"], "203.0.113.9"),  # right-most untrusted hop
        ("10.0.0.2", "203.0.113.9, 10.0.0.5", ["10.0.0.0/8"], "203.0.113.9"),  # two proxies of ours
        ("10.0.0.2", "10.0.0.5", ["10.0.0.0/8"], "10.0.0.2"),  # only proxies: the peer
        ("10.0.0.2", "not-an-ip", ["10.0.0.0/8"], "10.0.0.2"),  # malformed: the peer
    ],
)
def test_client_address(remote, forwarded, trusted, expected):
    assert client_address(remote, forwarded, trusted) == expected


def test_wait_text():
    assert wait_text(0.0) == "1 second"
    assert wait_text(59.0) == "59 seconds"
    assert wait_text(119.5) == "2 minutes"
    assert wait_text(900.0) == "15 minutes"


def test_the_shipped_example_secrets_are_valid_and_let_nobody_in():
    from csp_data.io.toml import read_toml

    path = ROOT / ".streamlit" / "secrets.example.toml"
    conf = settings_from_secrets(read_toml(path, what="example secrets")["auth"])
    assert conf is not None and conf.mode == "password"
    assert sorted(conf.passwords) == ["admin", "analyst", "partner"]
    assert conf.limits == AttemptLimits(delay_after=3, delay_seconds=5, lockout_after=10, lockout_seconds=900)
    assert conf.idle_seconds == 1800
    assert not any(verify_password(h, pw) for h in conf.passwords.values() for pw in ("", "change-me", "password"))


def test_real_secrets_are_git_ignored():
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
