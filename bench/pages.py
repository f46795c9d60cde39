"""Benchmark: what a browser transfers for the RACI page and the run-book page.

Loads the demo operating model (inside a transaction that is rolled back), signs in
as the lead (who sees the editable grid, the heaviest page) and fetches each page as a
browser does (``Accept-Encoding: gzip, br``). It reports the HTML as sent (compressed
only if the app compressed it), the HTML gzipped (what a compressing proxy would
send), and every stylesheet and script the page links, at the size WhiteNoise serves
them (its precompressed gzip, as a browser accepting gzip gets them). The total is
the cold-cache transfer of the page.

    .venv/bin/python bench/pages.py
"""

import gzip
import io
import re
from contextlib import redirect_stdout

from common import header, rolled_back
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client, override_settings

PAGES = [("RACI (lead, editable grid)", "/raci/"), ("run book", "/runbook/")]
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def gz(data):
    return len(gzip.compress(data, compresslevel=9))


def asset_sizes(html):
    sizes = {}
    for url in ASSET.findall(html):
        path = finders.find(url.split("/static/", 1)[1].split("?")[0])
        with open(path, "rb") as handle:
            sizes[url] = gz(handle.read())
    return sizes


@override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
})
def run():
    with redirect_stdout(io.StringIO()):
        call_command("load_demo", verbosity=0)
    client = Client(HTTP_ACCEPT_ENCODING="gzip, br")
    client.force_login(get_user_model().objects.get(username="lead"))
    print(f"{'page':<28} {'HTML raw':>9} {'as sent':>9} {'gzip':>7} {'assets':>8} "
          f"{'total sent':>11}")
    for label, path in PAGES:
        response = client.get(path, follow=True)
        assert response.status_code == 200
        body = response.content
        encoded = response.get("Content-Encoding", "")
        raw = gzip.decompress(body) if encoded == "gzip" else body
        assets = asset_sizes(raw.decode())
        total = len(body) + sum(assets.values())
        print(f"{label:<28} {len(raw) / 1024:7.1f}KB {len(body) / 1024:7.1f}KB "
              f"{gz(raw) / 1024:5.1f}KB {sum(assets.values()) / 1024:6.1f}KB "
              f"{total / 1024:9.1f}KB  ({encoded or 'not compressed'})")
        for url, size in assets.items():
            print(f"    {url:<40} {size / 1024:5.1f}KB gzip")


def main():
    header("page weight (cold cache, what the browser receives)", repeated=False)
    with rolled_back():
        run()


if __name__ == "__main__":
    main()
