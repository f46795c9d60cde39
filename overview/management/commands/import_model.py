"""Import a revops-model/1 file, all or nothing; errors name the JSON path."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from overview import model_file
from revops.errors import Conflict
from revops.models import Door


class Command(BaseCommand):
    help = ("Import an operating model exported by export_model (--replace archives the "
            "current one first).")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--replace", action="store_true")

    def handle(self, *args, path, replace, **options):
        try:
            # No size limit here: the file is on the server, and a model of 100,000
            # sections (81 MB) is more than the web's doors take.
            document = model_file.read_document(Path(path).read_bytes(), limited=False)
            counts = model_file.import_model(document=document, actor=None, door=Door.CLI,
                                             replace=replace)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        except ValidationError as exc:
            lines = [f"{where}: {m}" for where, messages in exc.message_dict.items()
                     for m in messages]
            raise CommandError("Nothing was imported.\n" + "\n".join(lines)) from None
        except Conflict as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("imported: " + ", ".join(
            f"{n} {what}" for what, n in counts.items() if what != "archived"))
