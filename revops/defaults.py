"""What every installation starts with: the six functions and the leads group.

Used by the data migration (with historical models) and by anything that must restore
them, such as tests that flush the database.
"""

DEFAULT_FUNCTIONS = [
    ("revops", "RevOps"),
    ("cro", "CRO"),
    ("marketing", "Marketing"),
    ("sales", "Sales"),
    ("cs", "Customer Success"),
    ("finance", "Finance"),
]
LEADS_GROUP = "RevOps leads"
# Whoever holds this function's seat (its head) is the RevOps lead.
REVOPS_SEAT = "revops"


def ensure_defaults(function_model, group_model):
    """Make what is missing of the defaults, with the models given (the migration's
    historical ones, or the live ``Function`` and ``Group``): this module imports no
    model, so the models may import its names."""
    for position, (slug, name) in enumerate(DEFAULT_FUNCTIONS, start=1):
        function_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    group_model.objects.get_or_create(name=LEADS_GROUP)
