"""`relais kb export DIR | --csv FILE` and `relais kb import DIR | FILE.csv`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from relais.knowledge import transfer


class Command(BaseCommand):
    help = "Export the knowledge base to Markdown files or CSV, or import it back."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write every article")
        export.add_argument("folder", nargs="?", help="a folder: one .md file per article")
        export.add_argument("--csv", dest="csv_file", help="one CSV file instead")
        source = sub.add_parser("import", help="create or update articles (slug + language)")
        source.add_argument("path", help="a folder of .md files, or a .csv file")

    def handle(self, *args, action: str, **options):
        if action == "export":
            return self.export(options.get("folder"), options.get("csv_file"))
        return self.load(Path(options["path"]))

    def export(self, folder: str | None, csv_file: str | None) -> None:
        if bool(folder) == bool(csv_file):
            raise CommandError("give either a folder or --csv FILE")
        if csv_file:
            count = transfer.export_csv(Path(csv_file))
        else:
            count = transfer.export_folder(Path(folder))
        self.stdout.write(f"Exported {count} articles.")

    def load(self, path: Path) -> None:
        if path.is_dir():
            total = sum(1 for _ in path.rglob("*.md"))
            records = transfer.read_folder(path)
        elif path.suffix.lower() == ".csv" and path.is_file():
            total = None
            records = transfer.read_csv(path)
        else:
            raise CommandError(f"{path} is neither a folder nor a .csv file")
        with tqdm(total=total, unit="article", file=self.stderr, disable=None) as progress:
            report = transfer.import_records(records, progress=progress)
        for name, error in report.errors:
            self.stderr.write(f"{name}: {error}")
        self.stdout.write(
            f"Created {report.created}, updated {report.updated}, "
            f"unchanged {report.unchanged}, failed {len(report.errors)}."
        )
        if report.errors:
            raise CommandError(f"{len(report.errors)} file(s) could not be imported", returncode=2)
