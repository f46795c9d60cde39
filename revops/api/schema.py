"""What the schema says of errors: every operation documents the answers the REST
contract gives whatever the endpoint — 400 ``{field: [message]}`` (bad input, unknown
query parameters, unreadable text), 401 (no or a bad token), 403 (the policy refuses;
``detail`` says why), 404 (an id in the path names nothing, a page past the last), 409
on writes (a write conflicts with the state it meets; ``rule`` names the rule) and 429
(the throttle) — so a client generated from the schema expects them and a fuzzer holds
the API to them. Errors are always JSON, whatever the endpoint renders otherwise."""

VALIDATION_ERROR = {
    "type": "object",
    "description": "Each field (or `non_field_errors`) with what is wrong with it; a "
                   "field holding a list or an object gives its items' errors by index "
                   "or key.",
    "additionalProperties": {"oneOf": [
        {"type": "array", "items": {"type": "string"}},
        {"type": "object"},
    ]},
}
ERROR = {
    "type": "object",
    "description": "What went wrong; a 409 also names the `rule` and may carry what the "
                   "caller needs to merge.",
    "properties": {"detail": {"type": "string"}, "rule": {"type": "string"}},
    "required": ["detail"],
}
WRITES = {"post", "put", "patch", "delete"}


def _answer(description, component):
    return {"description": description, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{component}"}}}}


def _errors_of(method):
    errors = {
        "400": _answer("Bad input, each field named with its rule", "ValidationError"),
        "401": _answer("No token or session, or one that is not valid", "Error"),
        "403": _answer("The policy refuses this to this user or token", "Error"),
        "404": _answer("Nothing with that id, or a page past the last", "Error"),
        "429": _answer("Too many requests; try again after `Retry-After`", "Error"),
    }
    if method in WRITES:
        errors["409"] = _answer("The write conflicts with the state it meets", "Error")
    return errors


def _no_empty_query_values(operation):
    """A query parameter given empty is a 400 (``revops.middleware``): say so of every
    text parameter, as a length of at least one."""
    for parameter in operation.get("parameters", ()):
        schema = parameter.get("schema", {})
        if parameter.get("in") == "query" and schema.get("type") == "string":
            schema.setdefault("minLength", 1)


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: add the contract's error answers to every
    operation that does not already say more about them, and the rule on empty query
    values to its parameters."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    schemas.setdefault("Error", ERROR)
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "head", "options", *WRITES}:
                continue
            _no_empty_query_values(operation)
            responses = operation.setdefault("responses", {})
            for status, answer in _errors_of(method).items():
                responses.setdefault(status, answer)
    return result
