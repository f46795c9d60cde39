"""Long lists shown in part: the first ``LISTED`` things, and how many there are in all."""

# One list on a page shows at most this many things; the count beside it is exact and
# the rest is in the API (a person holding 2,000 items made a 350 KB page).
LISTED = 50


class FirstOf:
    """The first ``LISTED`` rows of a query and the number of all its rows, in two
    queries (a window count in the same query made PostgreSQL read every row to count
    them before it could stop at the first 50): what a page shows of a list that may
    hold thousands, without loading them. ``len()`` and truth are the whole list's;
    iterating and indexing see the rows read."""

    def __init__(self, queryset, limit=LISTED):
        self.rows = list(queryset[:limit])
        self.total = queryset.count()

    def __len__(self):
        return self.total

    def __bool__(self):
        return self.total > 0

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, index):
        return self.rows[index]
