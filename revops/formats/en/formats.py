# Django's English formats, each with the zone after the time: the console's lists and
# read-only fields show times in the reader's zone and must say which.
DATETIME_FORMAT = "N j, Y, P T"
SHORT_DATETIME_FORMAT = "m/d/Y P T"
