"""What the apps add to the core, registered in each app's ``AppConfig.ready()``: the
core reads this registry and names no app's event, URL or page.

- **Events** (``add_events``): every event a service may emit, with the label people read
  it by, whether a channel (e-mail, Slack) may subscribe to it, and how a channel message
  describes one payload. A webhook may subscribe to any of them; ``revops.events.emit``
  refuses a name nobody registered. The names are a contract with integrations: rename
  none.
- **Panels** (``add_panel``): a page of a lower layer shows a slot that a higher layer
  fills in. The RACI page shows the model's cross-checks, which read the cadence and the
  run book, and the console's home a function head's to-do, which reads every app:
  ``raci`` and the core may not import those, so ``overview`` registers a provider for
  each slot. A provider is ``provider(**context)`` returning what the slot shows, or
  None when it has nothing to show.
- **Listeners** (``add_listener``): a lower layer's service says what just happened
  (``tell("decision.recorded", decision=…)``) inside its transaction, and a higher layer
  acts on it in the same transaction (change control opens the proposal a ritual's
  decision asks for). A listener that raises rolls the whole write back.

Lists keep the order of registration: the apps' ``ready()`` run in the order of
``INSTALLED_APPS`` (the core first, then each app up the layers), and each app registers
its events in the order it lists them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Event:
    """One kind of event. ``describe(payload)`` returns the ``revops.channels.Item`` a
    channel message lists for one payload (without one, the payload's title or name)."""

    name: str
    label: str
    channels: bool = False
    describe: Callable | None = None


_events: dict[str, Event] = {}
_panels: dict[str, list[Callable]] = {}
_listeners: dict[str, list[Callable]] = {}


def add_events(*events):
    """Register ``events`` (``Event``s). Registering the same event again is harmless;
    two different events under one name are a configuration error."""
    for event in events:
        known = _events.get(event.name)
        if known is not None and known != event:
            raise ImproperlyConfigured(f"The event {event.name!r} is registered twice, "
                                       "differently.")
        _events[event.name] = event


def is_event(name):
    return name in _events


def webhook_events():
    """Every event's name: what a webhook may subscribe to."""
    return list(_events)


def channel_events():
    """The names of the events a channel may subscribe to."""
    return [name for name, event in _events.items() if event.channels]


def channel_event_choices():
    """``(name, label)`` of each event a channel may subscribe to, for forms."""
    return [(name, _events[name].label) for name in channel_events()]


def label(name):
    """What people call the event ``name`` (its name itself when nobody registered it)."""
    event = _events.get(name)
    return event.label if event else name


def describer(name):
    """How a channel message describes one payload of ``name``, or None."""
    event = _events.get(name)
    return event.describe if event else None


def add_panel(slot, provider):
    providers = _panels.setdefault(slot, [])
    if provider not in providers:
        providers.append(provider)


def panels(slot, **context):
    """What the providers of ``slot`` make of ``context``, leaving out those that have
    nothing to show."""
    return [made for provider in _panels.get(slot, ()) if (made := provider(**context))]


def add_listener(happening, listener):
    listeners = _listeners.setdefault(happening, [])
    if listener not in listeners:
        listeners.append(listener)


def tell(happening, **context):
    """Call every listener of ``happening`` with ``context``, in registration order."""
    for listener in _listeners.get(happening, ()):
        listener(**context)
