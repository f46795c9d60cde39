from revops import policy


def roles(request):
    user = getattr(request, "user", None)
    role = policy.role_of(user)
    return {"role": role, "role_label": policy.ROLE_LABELS[role], "is_lead": policy.is_lead(user)}
