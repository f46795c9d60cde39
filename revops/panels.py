"""Panels that a page of a lower layer shows and a higher layer fills in.

The RACI page shows the model's cross-checks, which read the cadence and the run book:
``raci`` may not import them, so ``overview`` registers a provider for the page's slot
in its ``AppConfig.ready()`` and the page renders whatever its slot holds. A provider
is ``provider(**context) -> dict | None``, the dict shaped like a dashboard panel
(``title``, ``template`` and what that template reads).
"""

_PROVIDERS = {}


def register(slot, provider):
    providers = _PROVIDERS.setdefault(slot, [])
    if provider not in providers:
        providers.append(provider)


def collect(slot, **context):
    return [made for provider in _PROVIDERS.get(slot, ()) if (made := provider(**context))]
