"""What the GDPR export and erasure do with compliance's own tables and with the tables of the third-party apps
the project installs (Django's auth, sessions and admin log, django-axes), which no app of ours owns."""

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session as WebSession
from django.db import models
from django.db.models import Q

from compliance.models import DataExport, DeletionLog, Tombstone
from core.privacy import FINAL, FIRST, Erasure, Subject, declare, policies

User = get_user_model()
ERASED_REPR = "[erased account]"


def _user(subject: Subject) -> models.QuerySet:
    return User.objects.filter(pk=subject.user_id)


def _web_sessions(subject: Subject) -> models.QuerySet:
    """The browser sessions signed in as the player's user, expired ones too: Django keeps the user id inside
    the encoded data, so each is decoded (expired ones are purged daily: `purge-web-sessions`)."""
    keys = [
        session.session_key
        for session in WebSession.objects.iterator(chunk_size=500)
        if str(session.get_decoded().get("_auth_user_id")) == str(subject.user_id)
    ]
    return WebSession.objects.filter(session_key__in=keys)


def _admin_log(subject: Subject) -> models.QuerySet:
    """Operators' admin actions on the player's rows: their `object_repr` names the account (email, a life's
    name). By the rows' ids while they exist (this runs first, and again in the erasure's last transaction),
    and by what the description says (`player <id>`, the email, the lives' names) for rows deleted earlier."""
    match = Q(pk__in=[])
    personal_types = []
    for model, policy in policies().items():
        if policy.personal and admin.site.is_registered(model):
            content_type = ContentType.objects.get_for_model(model)
            personal_types.append(content_type)
            ids = [str(pk) for pk in policy.rows(subject).values_list("pk", flat=True)[:10_000]]
            if ids:
                match |= Q(content_type=content_type, object_id__in=ids)
    said = Q(object_repr__iregex=rf"player {subject.player_id}([^0-9]|$)")  # "Player 5 (...)", "... (player 5)"
    for text in (*_names(subject), *subject.names):
        said |= Q(object_repr__contains=text)
    return LogEntry.objects.filter(match | (Q(content_type__in=personal_types) & said)).exclude(object_repr=ERASED_REPR)


def _names(subject: Subject) -> list[str]:
    return [name for name in (subject.email, subject.username) if name]


declare(
    User,
    erasure=Erasure.DELETE,
    export=True,
    find=_user,
    section="user",
    hidden_fields=("password",),
    stage=FINAL,
    reason="The sign-in identity behind the account (a random username; the password only as a hash, never exported).",
)
declare(
    WebSession,
    erasure=Erasure.DELETE,
    export=False,
    find=_web_sessions,
    reason="Browser sessions of the web client: a technical cookie's record, deleted so it signs in no more.",
)
declare(
    LogEntry,
    erasure=Erasure.ANONYMISE,
    export=False,
    find=_admin_log,
    unlink={"object_id": None, "object_repr": ERASED_REPR, "change_message": ""},
    stage=FIRST,
    reason="The operators' audit trail: who did what and when stays; which account it was is cut.",
)
for axes_model in (AccessAttempt, AccessFailureLog, AccessLog):
    declare(
        axes_model,
        erasure=Erasure.DELETE,
        export=True,
        find=lambda subject, model=axes_model: model.objects.filter(username__in=_names(subject)),
        section=f"admin_sign_in_{axes_model._meta.model_name}",
        raw_delete=True,  # axes' delete signals serve its database handler; this project runs its cache handler
        reason="Sign-in attempts at the operators' dashboard made with the player's email (django-axes).",
    )
declare(
    AccessAttemptExpiration,
    erasure=Erasure.DELETE,
    export=False,
    find=lambda subject: AccessAttemptExpiration.objects.filter(access_attempt__username__in=_names(subject)),
    raw_delete=True,
    reason="When such an attempt's lock-out ends (goes with the attempt).",
)
for kept in (Group, Permission, ContentType):
    declare(kept, erasure=Erasure.RETAIN, export=False, reason="Django's own tables: hold no personal data.")

declare(
    DeletionLog,
    erasure=Erasure.ANONYMISE,
    export=True,
    owner="player_id",
    section="deletion_requests",
    hidden_fields=("erasure_key",),
    unlink={"player": None, "erasure_key": ""},
    stage=FINAL,
    reason="The audit trail of the deletion (times, reason, counts, receipt id): kept, without the account.",
)
declare(
    Tombstone,
    erasure=Erasure.RETAIN,
    export=False,
    reason="A keyed hash of an erased account, to erase it again after a backup is restored: nothing else.",
)
declare(
    DataExport,
    erasure=Erasure.DELETE,
    export=False,
    owner="player_id",
    reason="Prepared exports (the export itself): their links expire after EXPORT_LINK_HOURS.",
)
