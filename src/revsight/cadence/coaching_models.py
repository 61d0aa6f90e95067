"""The management cadence's records. Changed only through this package's services
(`coaching_services.py` for the coaching log)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from revsight.access import visibility

# What a sales leader coaches, until the organisation sets its own list (Settings → Coaching).
DEFAULT_SKILLS = [
    "Prospecting",
    "Discovery questions",
    "Qualification",
    "Presentation and demonstration",
    "Handling objections",
    "Negotiation",
    "Closing",
    "Account planning",
]
DEFAULT_JOINT_CALLS = 2


class CoachingKind(models.TextChoices):
    JOINT_CALL = "joint_call", "Joint call"
    COACHING_SESSION = "coaching_session", "Coaching session"
    RIDE_ALONG = "ride_along", "Ride-along"
    ROLE_PLAY = "role_play", "Role play"


class CoachingSettings(models.Model):
    """The organisation's coaching settings (a single row): the skills a coach picks from and
    the joint calls each salesperson should have with their manager a month."""

    skills = models.JSONField(default=list, help_text="The skills coached, in the order shown.")
    joint_calls_per_month = models.PositiveSmallIntegerField(default=DEFAULT_JOINT_CALLS)

    class Meta:
        verbose_name_plural = "coaching settings"

    def __str__(self) -> str:
        return f"{self.joint_calls_per_month} joint calls a month, {len(self.skills)} skills"


class CoachingTarget(models.Model):
    """A salesperson's own monthly joint-call target, instead of the organisation's."""

    salesperson = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaching_target"
    )
    joint_calls_per_month = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.salesperson_id}: {self.joint_calls_per_month} joint calls a month"


class CoachingEntry(models.Model):
    """A joint call or a coaching session of one salesperson, logged by the manager who coached
    them, with the action they agreed."""

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_received"
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_given"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=CoachingKind.choices)
    scheduled = models.BooleanField(default=True, help_text="Planned ahead, or on the spot.")
    skill = models.CharField(max_length=100, blank=True)
    opportunity = models.ForeignKey(
        "crm.Opportunity", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    account = models.ForeignKey(
        "crm.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(blank=True)
    action = models.CharField(max_length=500, blank=True, help_text="The action agreed.")
    action_due = models.DateField(null=True, blank=True)
    action_done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name_plural = "coaching entries"
        indexes = [models.Index(fields=["salesperson", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(action="", action_due__isnull=True)
                | (~Q(action="") & Q(action_due__isnull=False)),
                name="coaching_action_has_a_due_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.salesperson_id} by {self.coach_id}"


class CoachingReply(models.Model):
    """What the salesperson answered to an entry of theirs."""

    entry = models.ForeignKey(CoachingEntry, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "coaching replies"

    def __str__(self) -> str:
        return f"reply {self.pk} to {self.entry_id}"


# Who sees an entry (and its replies): whoever sees the salesperson (themselves, the managers of
# their team and above, executives), and the coach who logged it.
visibility.register(CoachingEntry, visibility.by_person("salesperson_id", also="coach_id"))
visibility.register(
    CoachingReply, visibility.by_person("entry__salesperson_id", also="entry__coach_id")
)
visibility.register(CoachingSettings, visibility.everyone)
visibility.register(CoachingTarget, visibility.by_person("salesperson_id"))
