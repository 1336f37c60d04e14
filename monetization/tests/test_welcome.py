"""A new account starts with the catalog's welcome diamonds: once, through the ledger."""

import pytest

from accounts.hooks import handlers
from accounts.services import signup
from monetization.models import DiamondTransaction
from monetization.services import ledger

pytestmark = pytest.mark.django_db


def test_a_new_device_account_starts_with_the_welcome_diamonds_once():
    first = signup.sign_in_device(device_id="welcome-device-1")
    again = signup.sign_in_device(device_id="welcome-device-1")
    assert first.created and not again.created and first.player_id == again.player_id
    assert ledger.balance(player_id=first.player_id).diamonds == 50
    rows = DiamondTransaction.objects.filter(player_id=first.player_id)
    assert list(rows.values_list("reason", "amount")) == [("welcome", 50)]


def test_a_registered_account_gets_it_and_an_upgraded_guest_not_twice():
    fresh = signup.register(email="new@example.com", password="a-long-enough-secret-42")
    assert ledger.balance(player_id=fresh.player_id).diamonds == 50
    guest = signup.sign_in_device(device_id="welcome-device-2")
    upgraded = signup.register(email="guest@example.com", password="a-long-enough-secret-42", guest_token=guest.token)
    assert upgraded.player_id == guest.player_id
    assert ledger.balance(player_id=guest.player_id).diamonds == 50


def test_the_welcome_is_listed_among_the_account_hooks():
    assert [name for _, name, _ in handlers()] == ["monetization.welcome_diamonds", "analytics.sign_up"]
