"""Import and export of the knowledge base: a folder of Markdown files (one per
article, a YAML front matter for its fields) or one CSV file. Import is
idempotent on (slug, locale): a known article is updated (a new version when
its text changed), an unknown one created; each file fails on its own."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from relais.knowledge import actions
from relais.knowledge.errors import KnowledgeError
from relais.knowledge.models import Article
from relais.knowledge.queries import articles_with_details

FIELDS = ("slug", "title", "locale", "visibility", "status", "category", "tags", "questions")
CSV_FIELDS = (*FIELDS, "body")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n?(.*)\Z", re.DOTALL)


class BadFile(ValueError):
    """A file that does not hold an article."""


@dataclass(frozen=True)
class ArticleRecord:
    slug: str
    title: str
    body: str
    locale: str = "fr"
    visibility: str = "public"
    status: str = "draft"
    category: str = ""
    tags: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)


def record_of(article: Article) -> ArticleRecord:
    return ArticleRecord(
        slug=article.slug,
        title=article.title,
        body=article.body,
        locale=article.locale,
        visibility=article.visibility,
        status=article.status,
        category=article.category.name if article.category else "",
        tags=list(article.tags),
        questions=[question.text for question in article.questions.all()],
    )


def to_markdown(record: ArticleRecord) -> str:
    header = {name: getattr(record, name) for name in FIELDS}
    front = yaml.safe_dump(header, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n\n{record.body}\n"


def from_markdown(text: str, *, default_slug: str) -> ArticleRecord:
    match = _FRONT_MATTER.match(text)
    if match is None:
        raise BadFile("no front matter (a header between two --- lines)")
    try:
        header = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        raise BadFile(f"invalid front matter: {error}") from None
    if not isinstance(header, dict):
        raise BadFile("the front matter is not a set of fields")
    return _record(header, body=match.group(2).strip(), default_slug=default_slug)


def export_folder(folder: Path, articles: Iterable[Article] | None = None) -> int:
    """One `<locale>/<slug>.md` per article; returns how many."""
    count = 0
    for article in articles if articles is not None else _all_articles():
        path = folder / article.locale / f"{article.slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_markdown(record_of(article)), encoding="utf-8")
        count += 1
    return count


def export_csv(path: Path, articles: Iterable[Article] | None = None) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for article in articles if articles is not None else _all_articles():
            row = record_of(article).__dict__.copy()
            row["tags"] = ", ".join(row["tags"])
            row["questions"] = "\n".join(row["questions"])
            writer.writerow(row)
            count += 1
    return count


def read_folder(folder: Path) -> Iterator[tuple[str, ArticleRecord | BadFile]]:
    """(file name, record or the error) for each .md file under `folder`."""
    for path in sorted(folder.rglob("*.md")):
        name = str(path.relative_to(folder))
        try:
            yield name, from_markdown(path.read_text(encoding="utf-8"), default_slug=path.stem)
        except (BadFile, UnicodeDecodeError) as error:
            yield name, BadFile(str(error))


def read_csv(path: Path) -> Iterator[tuple[str, ArticleRecord | BadFile]]:
    with path.open(newline="", encoding="utf-8") as source:
        for line, row in enumerate(csv.DictReader(source), start=2):
            name = f"{path.name}:{line}"
            try:
                row["tags"] = [t for t in (row.get("tags") or "").split(",") if t.strip()]
                row["questions"] = (row.get("questions") or "").splitlines()
                yield name, _record(row, body=(row.get("body") or "").strip(), default_slug="")
            except BadFile as error:
                yield name, error


def import_record(record: ArticleRecord) -> str:
    """Create or update one article; returns "created", "updated" or "unchanged"."""
    category = (
        actions.create_category(name=record.category, locale=record.locale)
        if record.category
        else None
    )
    existing = (
        articles_with_details().filter(slug=record.slug, locale=record.locale).first()
        if record.slug
        else None
    )
    if existing is None:
        actions.create_article(
            title=record.title, body=record.body, locale=record.locale,
            visibility=record.visibility, status=record.status, questions=record.questions,
            category=category, tags=record.tags, slug=record.slug or None,
        )  # fmt: skip
        return "created"
    before = existing.updated_at
    changes = actions.ArticleChanges(
        title=record.title, body=record.body, visibility=record.visibility,
        status=record.status, questions=record.questions, tags=record.tags,
        category=category, clear_category=category is None,
    )  # fmt: skip
    actions.update_article(existing, changes)
    return "unchanged" if existing.updated_at == before else "updated"


def import_records(
    records: Iterable[tuple[str, ArticleRecord | BadFile]], *, progress=None
) -> ImportReport:
    """Import each record on its own: a bad one is reported, the rest go on."""
    report = ImportReport()
    for name, record in records:
        try:
            if isinstance(record, BadFile):
                raise record
            outcome = import_record(record)
        except (BadFile, KnowledgeError) as error:
            report.errors.append((name, str(error)))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None:
            progress.update(1)
    return report


def _record(header: dict, *, body: str, default_slug: str) -> ArticleRecord:
    missing = [name for name in ("title", "locale") if not header.get(name)]
    if missing or not body:
        raise BadFile(f"missing: {', '.join(missing + ([] if body else ['body']))}")
    for name in ("tags", "questions"):
        value = header.get(name) or []
        if not isinstance(value, list):
            raise BadFile(f"{name} must be a list")
        header[name] = [str(item) for item in value]
    return ArticleRecord(
        slug=str(header.get("slug") or default_slug),
        title=str(header["title"]),
        body=body,
        locale=str(header["locale"]),
        visibility=str(header.get("visibility") or "public"),
        status=str(header.get("status") or "draft"),
        category=str(header.get("category") or ""),
        tags=header["tags"],
        questions=header["questions"],
    )


def _all_articles() -> Iterator[Article]:
    return articles_with_details().order_by("locale", "slug").iterator(chunk_size=200)
