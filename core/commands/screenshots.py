"""Screenshots given to a command that changes state (``/bid image:``): read before the change,
outside its transaction, into the text a pasted post would be (:mod:`core.quotes.screens`), with
a pasted post's rules. A cost the screenshots show but that was not read clearly is refused,
naming its line: a bid never spends a guessed number. The images are never kept; the text read
is, as a pasted post's is."""

from __future__ import annotations

from core.base.text import echo, shown
from core.commands.registry import Context
from core.interface.errors import BadInput
from core.interface.uploads import Images
from core.quotes.jobpost import read_post
from core.quotes.jobquote import unread_cost

#: What a screenshot that shows no job post is told.
NO_POST = (
    "image: no job post found in the screenshot; share Upwork's job page, "
    "with its Connects block in view."
)


def beside(ctx: Context, post: str | None) -> str | None:
    """The text read with screenshots: a message's own text (a message command on a message
    with screenshots), else none. Raises :class:`BadInput` for a post typed beside them: one
    or the other."""
    if post is not None and not ctx.from_message:
        raise BadInput("image: give a screenshot or a pasted post, not both.")
    return post


def not_read_clearly(line: str) -> str:
    """A line whose number was not read: named, and what to give instead."""
    return (
        f"Not read clearly: {echo(shown(line), 80)}. Nothing was spent: add connects: "
        "with the cost Upwork shows, or share a clearer image."
    )


async def post_text(ctx: Context, images: Images, post: str | None, cost_given: bool) -> str:
    """The text of the job on ``images`` (after ``post``, a message's text beside them: see
    :func:`beside`), read in the user's turn of the worker pool. Raises :class:`BadInput` (one
    line, nothing changed) when a post is typed beside them, an image is refused, the images
    show no job post, or, unless the cost is ``cost_given`` (typed, or an invited proposal's
    0), when they show a cost that was not read clearly."""
    post = beside(ctx, post)
    page = await ctx.services.screens.read(ctx.actor.user.key, images.shots)
    read = "\n".join(page.lines)
    text = read if post is None else f"{post}\n{read}"
    found = read_post(text)
    if not cost_given and found.connects is None and found.conflict("cost") is None:
        line = unread_cost(page.lines, page.unclear)
        if line is not None:
            raise BadInput(not_read_clearly(line))
    if not found.usable:
        raise BadInput(not_read_clearly(page.unclear[0]) if page.unclear else NO_POST)
    return text
