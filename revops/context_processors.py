from revops import policy


def roles(request):
    user = getattr(request, "user", None)
    return {"role": policy.role_of(user), "is_lead": policy.is_lead(user)}
