"""What the schema says of errors: every operation documents the answers the REST
contract gives whatever the endpoint — 400 ``{field: [message]}`` (bad input, unknown
query parameters, unreadable text), 401 (no or a bad token), 403 (the policy refuses;
``detail`` says why), 404 (an id in the path names nothing, a page past the last), 409
on writes (a write conflicts with the state it meets; ``rule`` names the rule) and 429
(the throttle) — so a client generated from the schema expects them and a fuzzer holds
the API to them. Errors are always JSON, whatever the endpoint renders otherwise.

It also says of every text the API reads (a body's strings and keys, a parameter) that it
holds no NUL: the parser refuses one (``revops/api/parsers.py``), so a request the schema
allows is never refused for it."""

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
# JSON Schema's ``pattern`` finds a match anywhere in the string: here, any character but NUL
# from the first to the last.
NO_NUL = "^[^\\u0000]*$"


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


def _read_text(schema, components, seen):
    """Give every string of a request's ``schema`` that no pattern, enum, format or length
    of 0 already bounds, and every object's keys, the ``NO_NUL`` pattern; components
    reached by ``$ref`` once."""
    if not isinstance(schema, dict):
        return
    if ref := schema.get("$ref"):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _read_text(components.get(name), components, seen)
        return
    bounded = {"pattern", "enum", "format"} & set(schema) or schema.get("maxLength") == 0
    if schema.get("type") == "string" and not bounded:
        schema["pattern"] = NO_NUL
    if schema.get("type") == "object":
        schema.setdefault("propertyNames", {"pattern": NO_NUL})
    for value in schema.get("properties", {}).values():
        _read_text(value, components, seen)
    for key in ("items", "additionalProperties"):
        _read_text(schema.get(key), components, seen)
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, ()):
            _read_text(part, components, seen)


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: add the contract's error answers to every
    operation that does not already say more about them, and the rule on empty query
    values to its parameters."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    schemas.setdefault("Error", ERROR)
    read = set()
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "head", "options", *WRITES}:
                continue
            _no_empty_query_values(operation)
            for parameter in operation.get("parameters", ()):
                _read_text(parameter.get("schema"), schemas, read)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                _read_text(content.get("schema"), schemas, read)
            responses = operation.setdefault("responses", {})
            for status, answer in _errors_of(method).items():
                responses.setdefault(status, answer)
    return result
