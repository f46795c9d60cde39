from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model

from cadence import rules
from cadence.models import Horizon, Purpose
from raci import selectors as raci_selectors
from raci.models import Row
from revops import fiscal, policy
from revops.models import Function, Layer
from runbook.models import Definition, Section

WEEKDAY_CHOICES = [(d, rules.WEEKDAY_NAMES[d]) for d in rules.WEEKDAYS]
NTH_CHOICES = [(n, name.capitalize()) for n, name in rules.NTH_NAMES.items()]
MONTH_DAY_CHOICES = [(d, str(d)) for d in range(1, 29)] + [(-1, "Last day")]
QUARTER_MONTH_CHOICES = [(1, "First month"), (2, "Second month"), (3, "Third month")]


def zone_choices():
    return [(z, z) for z in sorted(rules.known_zones())]


class ScheduleForm(forms.Form):
    """The schedule pickers (one set per horizon) and the advanced raw rule."""

    horizon = forms.ChoiceField(choices=Horizon.choices)
    timezone = forms.ChoiceField(label="Time zone", choices=zone_choices,
                                 help_text="Times are wall-clock in this zone, across DST.")
    schedule_mode = forms.ChoiceField(
        label="How to set the schedule", widget=forms.RadioSelect, initial="picker",
        choices=[("picker", "Pick a day and time"), ("advanced", "Advanced: RFC 5545 rule")],
    )
    at = forms.TimeField(label="Time of day", required=False,
                         widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    weekdays = forms.MultipleChoiceField(
        label="On these days", choices=WEEKDAY_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple, initial=list(rules.WORKDAYS),
    )
    monthly_mode = forms.ChoiceField(
        label="Monthly on", widget=forms.RadioSelect, initial="day", required=False,
        choices=[("day", "A day of the month"), ("weekday", "A weekday, e.g. first Tuesday")],
    )
    month_day = forms.TypedChoiceField(label="Day of the month", choices=MONTH_DAY_CHOICES,
                                       coerce=int, required=False, initial=1)
    nth = forms.TypedChoiceField(label="Which one", choices=NTH_CHOICES, coerce=int,
                                 required=False, initial=1)
    weekday = forms.ChoiceField(label="Weekday", choices=WEEKDAY_CHOICES, required=False,
                                initial="MO")
    quarter_month = forms.TypedChoiceField(
        label="Month of the fiscal quarter", choices=QUARTER_MONTH_CHOICES, coerce=int,
        required=False, initial=1,
    )
    rrule = forms.CharField(
        label="Rule", required=False, max_length=300,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        help_text="The rule alone, e.g. FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0. The time "
                  "is BYHOUR/BYMINUTE; quarterly rules use FREQ=MONTHLY;INTERVAL=3.",
    )

    def schedule_rule(self):
        """The rule the form describes (``cleaned_data`` must exist); adds field errors
        and returns None when the pickers are incomplete."""
        data = self.cleaned_data
        if data.get("schedule_mode") == "advanced":
            if not data.get("rrule"):
                self.add_error("rrule", "Write a rule, or use the picker.")
                return None
            return data["rrule"]
        try:
            return rules.rule_from_picker(
                data.get("horizon"), at=data.get("at"), weekdays=data.get("weekdays") or (),
                weekday=data.get("weekday") or "", monthly_mode=data.get("monthly_mode") or "day",
                month_day=data.get("month_day") or 1, nth=data.get("nth") or 1,
                quarter_month=data.get("quarter_month") or 1,
                start_month=fiscal.start_month(),
            )
        except rules.ScheduleError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
            return None


class RitualForm(ScheduleForm):
    field_order = ["name", "horizon", "layer", "purpose", "owner", "owner_person",
                   "attendees", "duration_minutes", "output", "output_section", "agenda"]

    name = forms.CharField(max_length=120)
    layer = forms.ChoiceField(choices=Layer.choices, help_text="The layer the ritual serves.")
    purpose = forms.ChoiceField(choices=Purpose.choices, required=False,
                                help_text="The readiness report looks for the weekly forecast "
                                          "call and the quarterly operating-model refresh.")
    owner = forms.ModelChoiceField(queryset=Function.objects.none(), label="Owner function")
    owner_person = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False, label="Owner person (optional)",
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=Function.objects.ordered(), required=False,
        widget=forms.CheckboxSelectMultiple, label="Attending functions",
    )
    duration_minutes = forms.IntegerField(
        label="Duration (minutes)", min_value=1, max_value=rules.MAX_DURATION_MINUTES,
        initial=30,
    )
    output = forms.CharField(max_length=200, required=False,
                             help_text="What the ritual produces, e.g. “Committed forecast”.")
    output_section = forms.ModelChoiceField(
        queryset=Section.objects.select_related("runbook").order_by("runbook_id", "position"),
        required=False, label="Run-book section its output updates",
    )
    agenda = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}),
                             help_text="Markdown.")
    active = forms.BooleanField(required=False, initial=True)
    reminder_minutes = forms.IntegerField(
        label="Remind the owner (minutes before)", min_value=0, max_value=14 * 24 * 60,
        initial=60, help_text="One e-mail before each occurrence.",
    )
    grace_hours = forms.IntegerField(
        label="Missed after (hours)", min_value=1, max_value=30 * 24, required=False,
        help_text="Left empty: 24 hours for daily rituals, 48 otherwise.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        owners = Function.objects.ordered()
        if not policy.is_lead(user):
            owners = owners.filter(pk__in=policy.headed_function_ids(user))
        self.fields["owner"].queryset = owners

    def service_fields(self):
        data = self.cleaned_data
        return {
            "name": data["name"], "horizon": data["horizon"], "layer": data["layer"],
            "purpose": data.get("purpose") or "", "owner": data["owner"],
            "owner_person": data.get("owner_person"), "attendees": list(data["attendees"]),
            "duration_minutes": data["duration_minutes"], "output": data.get("output", ""),
            "output_section": data.get("output_section"), "agenda": data.get("agenda", ""),
            "timezone": data["timezone"], "active": data.get("active", False),
            "reminder_lead": timedelta(minutes=data["reminder_minutes"]),
            "grace": timedelta(hours=data["grace_hours"]) if data.get("grace_hours") else None,
        }


def initial_for(ritual):
    """Form values of an existing ritual: its rule in the pickers when they can show it."""
    picked = rules.picker_from_rule(ritual.horizon, ritual.rrule,
                                    fiscal.start_month())
    initial = {
        "name": ritual.name, "horizon": ritual.horizon, "layer": ritual.layer,
        "purpose": ritual.purpose, "owner": ritual.owner_id,
        "owner_person": ritual.owner_person_id,
        "attendees": [a.pk for a in ritual.attendees.all()],
        "duration_minutes": ritual.duration_minutes, "output": ritual.output,
        "output_section": ritual.output_section_id, "agenda": ritual.agenda,
        "timezone": ritual.timezone, "active": ritual.active, "rrule": ritual.rrule,
        "schedule_mode": "picker" if picked else "advanced",
        "reminder_minutes": int(ritual.reminder_lead.total_seconds() // 60),
        "grace_hours": int(ritual.grace.total_seconds() // 3600) if ritual.grace else None,
    }
    if picked:
        initial.update({k: v for k, v in picked.items() if k != "horizon"})
    return initial


class RecordForm(forms.Form):
    status = forms.ChoiceField(choices=[("held", "Held"), ("skipped", "Skipped")],
                               widget=forms.RadioSelect)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="Markdown: decisions, numbers, follow-ups.")
    reviewed_sections = forms.ModelMultipleChoiceField(
        queryset=Section.objects.select_related("runbook").order_by("runbook_id", "position"),
        required=False, widget=forms.CheckboxSelectMultiple,
        label="Run-book sections this meeting reviewed",
        help_text="Each ticked section gets a review stamp when the occurrence was held.",
    )


class OutcomeForm(forms.Form):
    """What a held occurrence leaves besides its notes: who was there and a rating.
    Decisions and action items are the formsets below (``DecisionFormSet``,
    ``ActionFormSet``); the service checks them all together."""

    present = forms.ModelMultipleChoiceField(
        queryset=Function.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, label="Present")
    rating = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="How useful was it?",
        choices=[("", "—")] + [(n, str(n)) for n in range(rules.RATING_MIN,
                                                         rules.RATING_MAX + 1)],
        help_text=f"{rules.RATING_MIN} (a waste of time) to {rules.RATING_MAX} (the best "
                  "hour of the week).")

    def __init__(self, *args, ritual, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [f.pk for f in ritual.attendees.all()] + (
            [ritual.owner_id] if ritual.owner_id else [])
        self.fields["present"].queryset = Function.objects.filter(pk__in=ids)


def link_choices(ritual):
    """What a decision of ``ritual`` may link, grouped: the ritual itself, its output
    section, the sections and definitions its owner owns, and the current RACI's rows of
    its layer. Values read ``kind:id``."""
    sections = Section.objects.live().filter(owner_id=ritual.owner_id)
    if ritual.output_section_id:
        sections = sections | Section.objects.filter(pk=ritual.output_section_id)
    matrix = raci_selectors.current_matrix()
    rows = (Row.objects.filter(matrix=matrix, layer=ritual.layer) if matrix is not None
            else Row.objects.none())
    groups = [
        ("This ritual", [(f"ritual:{ritual.pk}", ritual.name)]),
        ("Run-book sections", [(f"section:{s.pk}", s.title)
                               for s in sections.distinct().order_by("position", "pk")]),
        ("Definitions", [(f"definition:{d.pk}", d.term) for d in
                         Definition.objects.filter(owner_id=ritual.owner_id).order_by("term")]),
        ("RACI rows", [(f"row:{r.pk}", r.name) for r in rows.order_by("position", "pk")]),
    ]
    return [("", "Nothing")] + [(label, items) for label, items in groups if items]


LINK_MODELS = {"section": Section, "definition": Definition, "row": Row}


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", max_length=rules.OUTCOME_TEXT_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=Function.objects.all(), label="Owner")
    revisit_on = forms.DateField(required=False, label="Revisit on",
                                 widget=forms.DateInput(attrs={"type": "date"}))
    link = forms.ChoiceField(required=False, label="Changes", choices=())

    def __init__(self, *args, ritual, link_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.ritual = ritual
        self.fields["link"].choices = link_choices

    def clean_link(self):
        value = self.cleaned_data["link"]
        if not value:
            return None
        kind, _, pk = value.partition(":")
        if kind == "ritual" and pk == str(self.ritual.pk):
            return kind, self.ritual
        item = LINK_MODELS.get(kind) and LINK_MODELS[kind].objects.filter(pk=pk).first()
        if item is None:
            raise forms.ValidationError("Pick an item from the list.")
        return kind, item


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


class ActionForm(forms.Form):
    text = forms.CharField(label="Action", max_length=rules.OUTCOME_TEXT_MAX)
    owner = PersonChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by(
            "first_name", "last_name", "username"), label="Owner")
    due = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))


DecisionFormSet = forms.formset_factory(DecisionForm, extra=2,
                                        max_num=rules.OUTCOME_ITEMS_MAX, validate_max=True)
ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=rules.OUTCOME_ITEMS_MAX,
                                      validate_max=True)


class DropForm(forms.Form):
    reason = forms.CharField(max_length=rules.OUTCOME_TEXT_MAX, label="Why drop it?")
