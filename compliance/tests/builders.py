"""A player with data in every table that can hold a player's data, with identifiers no other row has.

The ids are distinctive numbers (987654321 ...), so scanning every column of every table for them as text finds
the player and nothing else by chance.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from accounts.hooks import account_created
from accounts.models import Player
from accounts.services.tokens import issue_token
from analytics.models import Assignment, Experiment
from analytics.services import buffer, sessions
from analytics.services.events import record
from compliance.services import exports
from dating.models import Compatibility, NpcBio, RelationshipEvent
from game.models import Character, ConversationLine, Person
from game.services import actions, life, offline, purchases
from game.tests.test_life import grow_up
from monetization.models import ProcessedTransaction, ReconciliationIssue
from monetization.services import ledger
from monetization.services.purchases import grant_store_purchase
from monetization.services.store_sync import refund_store_transaction
from monetization.stores.base import VerifiedPurchase
from retention.models import DailyQuest, LoginStreak, Photo, PlayerAchievement, PlayerProgress, TutorialProgress
from retention.services import login

User = get_user_model()
Reason = ledger.Reason


@dataclass(frozen=True)
class Built:
    player_id: int
    user_id: int
    email: str
    device_id: str
    name: str
    token: str

    def needles(self) -> dict[str, str]:
        """What must not be found anywhere after the erasure."""
        return {
            "player id": str(self.player_id),
            "user id": str(self.user_id),
            "email": self.email,
            "device id": self.device_id,
            "name": self.name,
        }


def full_player(n: int = 1) -> Built:
    """A grown-up life (people, conversation), purchases with a refund, retention, dating, analytics, exports."""
    player_id, user_id = 987654300 + n * 21, 987654300 + n * 21 + 7
    email, device_id, name = f"zephyrine{n}.quill@example.org", f"dev-zq9-{n}-unique-8842", f"Zephyrine{n} Quillfeather"
    user = User.objects.create(pk=user_id, username=f"u-zq{n}-9f8e7d", email=email)
    Player.objects.create(pk=player_id, user=user, email=email, device_id=f"{device_id}", is_guest=False)
    account_created(player_id)  # what signing up runs: the welcome gift (`welcome:<id>`), `sign_up` ...
    token = issue_token(player_id=player_id)
    grow_up(player_id, 20)
    character = Character.objects.get(current_of_id=player_id)
    character.name = name
    character.state = {**character.state, "name": name, "money": 5000, "energy": 100, "busy_until": 0}
    character.save(update_fields=["name", "state"])
    life.arrive(player_id=player_id)
    person = Person.objects.filter(character__player_id=player_id).order_by("id").first()
    assert person is not None
    actions.talk(player_id=player_id, person_id=person.person_id, text=f"Hi, I am {name}!")
    offline.enqueue(player_id=player_id, pushes=[(timezone.now(), {"type": "messageEvent", "kind": "x", "text": name})])

    ledger.diamonds_credit(player_id=player_id, amount=1000, reason=Reason.MILESTONE, reference="test")
    ledger.operator_adjust(player_id=player_id, amount=5, operator_id=None, reason=f"gift for {email}")
    purchases.purchase_energy_refill(player_id=player_id, refill_type="small", idempotency_key=f"k-{n}-1")
    purchases.purchase_time_skip(player_id=player_id, skip_type="hour")
    bought = VerifiedPurchase(
        store="apple",
        transaction_id=f"2000009{n}88",
        original_transaction_id=f"2000009{n}88",
        product_id="com.baolife.diamonds.100",
        purchased_at=datetime.now(UTC),
        environment="production",
        quantity=1,
        raw={},
    )
    grant_store_purchase(player_id=player_id, purchase=bought)
    refund_store_transaction(store="apple", transaction_id=bought.transaction_id, reason="REFUND")
    ReconciliationIssue.objects.create(player_id=player_id, balance=1, ledger_sum=2)
    login.claim(player_id=player_id)  # `daily_login:<id>:1`

    PlayerProgress.objects.get_or_create(player_id=player_id)
    PlayerAchievement.objects.get_or_create(
        player_id=player_id, achievement_id="first_words", defaults={"unlocked_at": timezone.now()}
    )
    Photo.objects.create(
        player_id=player_id,
        character_id=character.pk,
        character_name=name,
        kind="milestone",
        caption=f"{name} turns 20",
        age=20,
        game_time=1,
        taken_at=timezone.now(),
        dedupe_key=f"zq-{n}",
    )
    LoginStreak.objects.get_or_create(player_id=player_id, defaults={"streak": 3})
    if not DailyQuest.objects.filter(player_id=player_id).exists():  # the life's hooks may have made today's
        DailyQuest.objects.create(
            player_id=player_id,
            day=timezone.now().date(),
            difficulty="easy",
            template_id="talk",
            description="Talk",
            target=1,
            reward=5,
        )
    TutorialProgress.objects.get_or_create(player_id=player_id, defaults={"steps": ["welcome"]})
    NpcBio.objects.create(character=character, person_id=person.person_id, name=person.name, bio={"about": name})
    Compatibility.objects.create(
        character=character, person_id=person.person_id, score=70, algorithm="v1", fingerprint="f"
    )
    RelationshipEvent.objects.create(
        character=character, person_id=person.person_id, person_name=person.name, kind="met", game_time=1
    )

    session_id = sessions.start(player_id=player_id, key=f"sock-zq-{n}", user_agent="BaoLife/1.0 (iPhone; iOS 18.1)")
    assert session_id is not None
    record("level_up", player_id=player_id, milestone="graduation")
    buffer.flush()
    experiment, _ = Experiment.objects.get_or_create(
        flag=f"zq_test_{n}", defaults={"variants": [{"name": "control", "weight": 1}], "status": "running"}
    )
    Assignment.objects.create(experiment=experiment, player_id=player_id, variant="control")
    exports.request(player_id=player_id)

    web = SessionStore()
    web["_auth_user_id"] = str(user_id)
    web.create()
    operator, _ = User.objects.get_or_create(username="operator-zq", defaults={"is_staff": True})
    LogEntry.objects.log_actions(
        user_id=operator.pk,
        queryset=Player.objects.filter(pk=player_id),
        action_flag=CHANGE,
        change_message="looked",
        single_object=True,
    )
    # axes keeps its attempts in the cache here (AXES_HANDLER): its tables fill only with its database handler;
    # rows made as that handler would (bulk_create: the cache handler's signals do not apply)
    seen = {"username": email, "ip_address": "203.0.113.9", "user_agent": "x", "http_accept": "x", "path_info": "/a"}
    (attempt,) = AccessAttempt.objects.bulk_create(
        [AccessAttempt(**seen, get_data="", post_data="", failures_since_start=1)]
    )
    AccessAttemptExpiration.objects.bulk_create(
        [AccessAttemptExpiration(access_attempt=attempt, expires_at=timezone.now() + timedelta(hours=1))]
    )
    AccessFailureLog.objects.bulk_create([AccessFailureLog(**seen)])
    AccessLog.objects.bulk_create([AccessLog(**seen)])
    assert ConversationLine.objects.filter(character__player_id=player_id).exists()
    assert ProcessedTransaction.objects.filter(player_id=player_id, refunded_at__isnull=False).exists()
    return Built(player_id, user_id, email, device_id, name, token)
