"""How a person is named wherever the app shows one."""


def name_of(user):
    """Full name, falling back to the username; '' for nobody (a system write, a deleted
    account), so a template can say ``|default:"system"``."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
