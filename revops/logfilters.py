"""Keep secrets that travel in URLs (calendar feed tokens) out of the logs."""

import logging
import re

SECRET_IN_PATH = re.compile(r"(/feed/)[^/\s.?]+")


def redact(text):
    return SECRET_IN_PATH.sub(r"\1[redacted]", text)


class RedactSecrets(logging.Filter):
    def filter(self, record):
        record.msg = redact(str(record.msg))
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
