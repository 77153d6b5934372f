"""The loaded, validated question bank: prompts by id, categories and tags."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from question_bank.problems import Location
from question_bank.schema import Prompt


class UnknownPromptError(KeyError):
    """No prompt with that id in the bank."""

    def __init__(self, prompt_id: str) -> None:
        super().__init__(prompt_id)
        self.prompt_id = prompt_id

    def __str__(self) -> str:
        # KeyError's default str() is the repr of the key; say what happened instead.
        return f"no prompt with id {self.prompt_id!r} in the question bank"


@dataclass(frozen=True, slots=True)
class Category:
    """A category as shown in the app, with how many prompts it holds."""

    slug: str
    title: str
    description: str
    count: int


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """A category's title and description as read from its file."""

    slug: str
    title: str
    description: str


class Bank:
    """Validated prompts in load order (built-in files by name, then custom banks)."""

    def __init__(
        self,
        prompts: Sequence[Prompt],
        categories: Sequence[CategoryInfo],
        sources: Mapping[str, Location],
    ) -> None:
        self._prompts = tuple(prompts)
        self._by_id = {prompt.id: prompt for prompt in self._prompts}
        self._sources = dict(sources)
        counts = Counter(prompt.category for prompt in self._prompts)
        self._categories = tuple(
            Category(info.slug, info.title, info.description, counts[info.slug])
            for info in categories
        )

    @property
    def prompts(self) -> list[Prompt]:
        """Return every prompt, in load order."""
        return list(self._prompts)

    @property
    def categories(self) -> list[Category]:
        """Return the categories, in load order, with their prompt counts."""
        return list(self._categories)

    @property
    def tags(self) -> list[str]:
        """Return every tag used by some prompt, sorted."""
        return sorted({tag for prompt in self._prompts for tag in prompt.tags})

    def get(self, prompt_id: str) -> Prompt:
        """Return the prompt with this id or raise :class:`UnknownPromptError`."""
        try:
            return self._by_id[prompt_id]
        except KeyError:
            raise UnknownPromptError(prompt_id) from None

    def category(self, slug: str) -> Category:
        """Return the category with this slug (``KeyError`` when unknown)."""
        for category in self._categories:
            if category.slug == slug:
                return category
        raise KeyError(slug)

    def source(self, prompt_id: str) -> Location:
        """Return the file and line that define the prompt."""
        self.get(prompt_id)
        return self._sources[prompt_id]

    def __len__(self) -> int:
        return len(self._prompts)

    def __iter__(self) -> Iterator[Prompt]:
        return iter(self._prompts)

    def __contains__(self, prompt_id: object) -> bool:
        return prompt_id in self._by_id
