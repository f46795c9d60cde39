from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = "Change control"

    def ready(self):
        from changes import notices, panels
        from changes.services import proposals
        from revops import registry

        registry.add_events(*notices.EVENTS)
        registry.add_panel("item.governed", panels.governed_item)
        registry.add_panel("raci.grid", panels.governed_matrix)
        registry.add_listener("decision.recorded", proposals.proposal_from_decision)
