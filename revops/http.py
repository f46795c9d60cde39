"""What the browser pages of every app share to answer a service's errors once.

A page refuses a person before it reads their input by calling the policy's guard
(``policy.require_*``) itself; refusals and conflicts become the 403 and 409 pages in
``revops.middleware.ErrorPageMiddleware``. What is left to a page is a service's
``ValidationError``, which belongs on the form the person filled in."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError


@contextmanager
def form_errors(form):
    """Attach a ``ValidationError`` raised in the block to the bound ``form``, field by
    field (what names no field of the form goes to the form as a whole), and carry on
    after the block, where the page renders the form again::

        with form_errors(form):
            section = services.section_review(...)
            return redirect(section)
        return render(request, "…", {"form": form}, status=400)
    """
    try:
        yield
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                target = field if field in form.fields else None
                for e in errors:
                    form.add_error(target, e.messages)
        else:
            form.add_error(None, error.messages)
